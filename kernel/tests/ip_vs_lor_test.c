// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the IPVS "lor" scheduler's choice, ip_vs_lor_pick(),
 * over fake real servers whose outstanding requests are recorded in a real
 * "reply" engine table (ip_vs_pe_reply_record()), so that the scheduler
 * reads the counts the way it does in production.
 *
 * Each case is a table row: servers (weight, overloaded, outstanding
 * requests, wlc connection counts), the cursor, whether the service uses
 * the reply engine, and the index of the server that must be chosen.
 *
 * The comment above each row names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_lor.h"

#define LOR_MAX		6
#define NONE		-1

struct lor_srv {
	int	weight;
	bool	overloaded;
	int	outstanding;	/* requests recorded without reply */
	int	active;		/* wlc fallback: activeconns */
	int	total;		/* wlc fallback: totalconns */
};

struct lor_case {
	const char	*name;
	unsigned int	n;
	struct lor_srv	srv[LOR_MAX];
	bool		no_engine;	/* wlc fallback */
	unsigned int	cursor;
	int		want;		/* index, or NONE */
};

static const struct lor_case lor_cases[] = {
	/* The server with the fewest outstanding requests wins. */
	{ "least outstanding", 3,
	  { { 1, false, 4 }, { 1, false, 1 }, { 1, false, 2 } }, false, 0, 1 },
	/* Idle service: ties rotate with the cursor (not all to server 0). */
	{ "idle tie cursor 0", 3, { { 1 }, { 1 }, { 1 } }, false, 0, 0 },
	{ "idle tie cursor 1", 3, { { 1 }, { 1 }, { 1 } }, false, 1, 1 },
	{ "idle tie cursor 5", 3, { { 1 }, { 1 }, { 1 } }, false, 5, 2 },
	/* Tie between two of three: the first at or after the cursor. */
	{ "tie wraps", 3, { { 1, false, 0 }, { 1, false, 3 }, { 1, false, 0 } },
	  false, 1, 2 },
	{ "tie wraps around", 3,
	  { { 1, false, 0 }, { 1, false, 0 }, { 1, false, 3 } }, false, 2, 0 },
	/* Weights: (0+1)/1 = 1 > (2+1)/4 = 0.75: the heavy server wins. */
	{ "weighted", 2, { { 1, false, 0 }, { 4, false, 2 } }, false, 0, 1 },
	/* (3+1)/4 = 1 vs (0+1)/1 = 1: a tie, the cursor decides. */
	{ "weighted tie", 2, { { 1, false, 0 }, { 4, false, 3 } }, false, 0,
	  0 },
	/* "+1" counts the new request: w=1,o=0 (1) beats w=3,o=3 (4/3). */
	{ "plus one", 2, { { 3, false, 3 }, { 1, false, 0 } }, false, 0, 1 },
	/* Weight 0 (quiesced) gets nothing even when idle. */
	{ "quiesced skipped", 2, { { 0, false, 0 }, { 1, false, 9 } }, false,
	  0, 1 },
	/* Overloaded servers (upper threshold) get nothing. */
	{ "overloaded skipped", 2, { { 1, true, 0 }, { 1, false, 9 } }, false,
	  0, 1 },
	/* Nobody usable: NULL, so that IPVS reports it and drops. */
	{ "none usable", 2, { { 0 }, { 1, true } }, false, 0, NONE },
	/* A dead server piles up outstanding requests and is avoided. */
	{ "dead server avoided", 3,
	  { { 1, false, 40 }, { 1, false, 1 }, { 1, false, 2 } }, false, 0, 1 },
	/* Without the engine: wlc overhead, active * 256 + total. */
	{ "wlc fallback", 3,
	  { { 1, false, 0, 1, 1 }, { 1, false, 0, 0, 200 },
	    { 1, false, 0, 0, 255 } }, true, 0, 1 },
	/* ... outstanding counts of the table are not used then. */
	{ "wlc ignores table", 2,
	  { { 1, false, 9, 0, 0 }, { 1, false, 0, 0, 1 } }, true, 0, 0 },
	/* ... weighted: 257/2 < 200/1. */
	{ "wlc weighted", 2, { { 1, false, 0, 0, 200 }, { 2, false, 0, 1, 1 } },
	  true, 0, 1 },
	/* ... idle: rotating ties, like rr. */
	{ "wlc idle tie", 3, { { 1 }, { 1 }, { 1 } }, true, 4, 1 },
};

static void lor_case_desc(const struct lor_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lor, lor_cases, lor_case_desc);

struct lor_fix {
	struct ip_vs_pe_reply_conf	conf;
	struct ip_vs_pe_reply_net	*pn;
	struct ip_vs_dest		*dests[LOR_MAX];
	struct list_head		list;
};

static int lor_init(struct kunit *test)
{
	struct lor_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->conf.timeout_ms = 5000;
	f->conf.max_requests = 1000;
	f->pn = kzalloc(sizeof(*f->pn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->pn);
	KUNIT_ASSERT_EQ(test, ip_vs_pe_reply_net_init(f->pn, &f->conf, NULL),
			0);
	INIT_LIST_HEAD(&f->list);
	test->priv = f;
	return 0;
}

static void lor_exit(struct kunit *test)
{
	struct lor_fix *f = test->priv;
	unsigned int i;

	synchronize_rcu();
	ip_vs_pe_reply_net_destroy(f->pn);
	rcu_barrier();
	kfree(f->pn);
	for (i = 0; i < LOR_MAX; i++)
		kfree(f->dests[i]);
}

/* Server i is 10.0.2.(11 + i):53; its outstanding requests are recorded. */
static void lor_add(struct kunit *test, unsigned int i,
		    const struct lor_srv *s)
{
	struct lor_fix *f = test->priv;
	struct ip_vs_pe_reply_reqinfo info;
	struct ip_vs_dest *d;
	int q;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	f->dests[i] = d;
	d->af = AF_INET;
	d->addr.ip = htonl(0x0a00020b + i);
	d->port = htons(53);
	atomic_set(&d->weight, s->weight);
	atomic_set(&d->activeconns, s->active);
	atomic_set(&d->totalconns, s->total);
	if (s->overloaded)
		d->flags |= IP_VS_DEST_F_OVERLOAD;
	list_add_tail(&d->n_list, &f->list);

	for (q = 0; q < s->outstanding; q++) {
		memset(&info, 0, sizeof(info));
		info.key.af = AF_INET;
		info.key.caddr.ip = htonl(0x0a000102);
		info.key.cport = htons(40000);
		info.key.raddr = d->addr;
		info.key.rport = d->port;
		info.key.kind = IP_VS_PE_REPLY_K_DNS;
		info.key.txid = q;
		info.vaddr.ip = htonl(0x0a006401);
		info.vport = htons(53);
		rcu_read_lock();
		KUNIT_ASSERT_EQ(test, ip_vs_pe_reply_record(f->pn, &info, 0),
				IP_VS_PE_REPLY_RECORDED);
		rcu_read_unlock();
	}
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_outstanding(f->pn, d),
			(unsigned int)s->outstanding);
	rcu_read_unlock();
}

static void lor_pick_test(struct kunit *test)
{
	const struct lor_case *c = test->param_value;
	struct lor_fix *f = test->priv;
	struct ip_vs_dest *got;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		lor_add(test, i, &c->srv[i]);
	rcu_read_lock();
	got = ip_vs_lor_pick(&f->list, c->n, c->no_engine ? NULL : f->pn,
			     c->cursor);
	rcu_read_unlock();
	if (c->want == NONE) {
		KUNIT_EXPECT_NULL(test, got);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, got, f->dests[c->want]);
}

/* Over many idle picks every server gets its share (round-robin ties). */
static void lor_idle_spread_test(struct kunit *test)
{
	static const struct lor_srv srv = { 1 };
	struct lor_fix *f = test->priv;
	unsigned int hits[3] = { 0 }, i, j;
	struct ip_vs_dest *got;

	for (i = 0; i < 3; i++)
		lor_add(test, i, &srv);
	rcu_read_lock();
	for (i = 0; i < 300; i++) {
		got = ip_vs_lor_pick(&f->list, 3, f->pn, i);
		for (j = 0; j < 3; j++)
			hits[j] += got == f->dests[j];
	}
	rcu_read_unlock();
	for (j = 0; j < 3; j++)
		KUNIT_EXPECT_EQ(test, hits[j], 100);
}

/* An empty service picks nothing (no division by zero). */
static void lor_empty_test(struct kunit *test)
{
	struct lor_fix *f = test->priv;

	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ip_vs_lor_pick(&f->list, 0, f->pn, 7));
	rcu_read_unlock();
}

static struct kunit_case lor_test_cases[] = {
	KUNIT_CASE_PARAM(lor_pick_test, lor_gen_params),
	KUNIT_CASE(lor_idle_spread_test),
	KUNIT_CASE(lor_empty_test),
	{}
};

static struct kunit_suite lor_suite = {
	.name = "ip_vs_lor",
	.init = lor_init,
	.exit = lor_exit,
	.test_cases = lor_test_cases,
};

kunit_test_suite(lor_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the IPVS lor scheduler");
MODULE_LICENSE("GPL");
