// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the ipvs-udp test harness, not of IPVS.
 *
 * Loading this module with warn=1 triggers a kernel WARNING, with leak=1 it
 * leaks one small allocation. tests/harness checks that scripts/uml-run
 * turns each of them into a failed run, so that a real WARNING or leak in
 * our modules can never pass unnoticed. Loaded with no parameters it does
 * nothing.
 */
#include <linux/module.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Trigger a WARNING when loaded");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Leak one allocation when loaded");

static void *leaked[8];

/*
 * Not __init: the leak's allocation stack must name this module when
 * kmemleak reports it, after init text is gone.
 */
static noinline void harness_test_leak(void)
{
	unsigned int i;

	/*
	 * Several objects, so that a stale copy of the last pointer in a
	 * register or on a stack cannot hide them all.
	 */
	for (i = 0; i < ARRAY_SIZE(leaked); i++)
		WRITE_ONCE(leaked[i], kmalloc(64, GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(leaked); i++)
		WRITE_ONCE(leaked[i], NULL);
}

static int __init harness_test_init(void)
{
	WARN(warn, "ipvs_udp_harness_test: injected warning\n");
	if (leak)
		harness_test_leak();
	return 0;
}

static void __exit harness_test_exit(void)
{
}

module_init(harness_test_init);
module_exit(harness_test_exit);
MODULE_DESCRIPTION("ipvs-udp test harness self-test (injects WARN / leak)");
MODULE_LICENSE("GPL");
