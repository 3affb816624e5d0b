/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_LINUX_HASH_H
#define KSHIM_LINUX_HASH_H
#include "../kshim.h"

/* A pointer's value hashed to @bits bits (1..32): multiplicative hashing
 * by 2^64 / phi, as the kernel's hash_ptr() on 64-bit.
 */
static inline unsigned int hash_ptr(const void *p, unsigned int bits)
{
	return (unsigned int)(((uint64_t)(uintptr_t)p *
			       0x61c8864680b583ebULL) >> (64 - bits));
}
#endif
