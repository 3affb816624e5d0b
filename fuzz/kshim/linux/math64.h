/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_LINUX_MATH64_H
#define KSHIM_LINUX_MATH64_H
#include "../kshim.h"

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = (u32)(dividend % divisor);
	return dividend / divisor;
}

#endif
