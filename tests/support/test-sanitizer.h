/* test-sanitizer.h — whether a test program was built with AddressSanitizer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The test command runs every suite twice, plain and under ASan and UBSan,
 * and the sanitized programs are several times slower.  A test whose cost
 * is its input size (hundreds of packets, a dozen enrolled persons) uses
 * TEST_SIZE() to run a smaller input under the sanitizers: every code path
 * still runs there, and the plain build keeps the full size.
 */

#pragma once

#if defined(__SANITIZE_ADDRESS__)
# define TEST_UNDER_SANITIZER 1
#elif defined(__has_feature)
# if __has_feature (address_sanitizer)
#  define TEST_UNDER_SANITIZER 1
# endif
#endif

#ifndef TEST_UNDER_SANITIZER
# define TEST_UNDER_SANITIZER 0
#endif

/* The input size: @full in a plain build, @sanitized under ASan. */
#define TEST_SIZE(full, sanitized) (TEST_UNDER_SANITIZER ? (sanitized) : (full))
