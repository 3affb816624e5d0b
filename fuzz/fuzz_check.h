/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libFuzzer targets' invariant check: a failed one names itself and
 * aborts, which libFuzzer reports as a crash with its input saved.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#endif /* FUZZ_CHECK_H */
