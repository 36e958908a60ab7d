/* reg-machine-key.h — where the machine's signing key lives
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The machine signs its requests and packets with an Ed25519 key that never
 * leaves the workstation.  RegMachineKey is the small interface the rest of
 * the client uses; the software implementation keeps the key encrypted in
 * a libcore keystore.  A TPM implementation would keep it sealed in the
 * TPM and hand out an EVP_PKEY backed by an OpenSSL provider.
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_MACHINE_KEY (reg_machine_key_get_type ())

G_DECLARE_INTERFACE (RegMachineKey, reg_machine_key, REG, MACHINE_KEY, GObject)

/**
 * RegMachineKeyInterface:
 * @has_key: whether a key pair exists
 * @generate: creates the key pair; fails when one exists
 * @load_private: a handle that signs with the private key
 * @load_public: the public key
 *
 * The operations of a key backend.  They may block (key derivation, a TPM
 * round trip): callers run them in a thread.
 */
struct _RegMachineKeyInterface
{
  GTypeInterface parent_iface;

  gboolean   (*has_key)      (RegMachineKey  *self);
  gboolean   (*generate)     (RegMachineKey  *self,
                              GError        **error);
  EVP_PKEY * (*load_private) (RegMachineKey  *self,
                              GError        **error);
  EVP_PKEY * (*load_public)  (RegMachineKey  *self,
                              GError        **error);
};

gboolean       reg_machine_key_has_key       (RegMachineKey  *self);
gboolean       reg_machine_key_generate      (RegMachineKey  *self,
                                              GError        **error);
EVP_PKEY      *reg_machine_key_load_private  (RegMachineKey  *self,
                                              GError        **error);
EVP_PKEY      *reg_machine_key_load_public   (RegMachineKey  *self,
                                              GError        **error);

RegMachineKey *reg_machine_key_new_software  (const char     *directory);

G_END_DECLS
