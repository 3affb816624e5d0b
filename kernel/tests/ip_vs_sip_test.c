// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the placement and the Call-ID bindings of the IPVS "sip"
 * scheduler.
 *
 * ip_vs_sip_maglev: the weighted Maglev table (ip_vs_kaff_table_build() and
 * ip_vs_kaff_table_pick()) over fake real servers: directors with the same
 * servers agree whatever order the servers were added in, weights are
 * honoured, changing the server set moves few keys, an unusable server's
 * keys spread over all the others.
 *
 * ip_vs_sip_bind: the per-service binding table driven through
 * ip_vs_sip_bind() with hand-made messages and a synthetic clock (the time
 * of each message is an offset from one jiffies value), so that timeouts of
 * minutes are tested instantly: stickiness, the state of a call after each
 * message and when its binding expires, the cap, dead and drained servers,
 * flushing.
 *
 * The comment above each case names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_sip.h"
#include "compat.h"

/* Enough fake servers for one more than a table may hold. */
#define SIP_TEST_DESTS		(IP_VS_KAFF_MAX_DESTS + 64)
#define SIP_TEST_TABLES		8
#define SIP_TEST_KEYLEN		48
#define SIP_TEST_M		IP_VS_KAFF_MAGLEV_SIZE

struct sip_test_fix {
	struct ip_vs_dest	**dests;	/* every fake server made */
	unsigned int		ndests;
	struct ip_vs_kaff_table	*tables[SIP_TEST_TABLES];
	unsigned int		ntables;
	struct ip_vs_kaff_svc	*s;
	struct list_head	list;		/* the service's servers */
	unsigned long		now;		/* time of the first message */
};

/* A fake real server: 10.0.0.0 + id or 2001:db8::id. */
struct sip_srv {
	u16	af;
	u32	id;
	u16	port;
	int	weight;
};

static int sip_test_init(struct kunit *test)
{
	struct sip_test_fix *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->dests = kvcalloc(SIP_TEST_DESTS, sizeof(*f->dests), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->dests);
	INIT_LIST_HEAD(&f->list);
	f->now = jiffies;
	test->priv = f;
	return 0;
}

/*
 * Free the tables and the service, wait until nothing references the fake
 * servers any more (replaced tables go by call_rcu, the service by an
 * rcu_work), then free the servers. A server still referenced after that is
 * a reference leak: it is reported and left allocated, never freed under a
 * table that could still drop its reference.
 */
static void sip_test_exit(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	unsigned long deadline;
	unsigned int i;

	for (i = 0; i < f->ntables; i++)
		ip_vs_kaff_table_free(f->tables[i]);
	if (f->s)
		ip_vs_kaff_svc_destroy(f->s);
	rcu_barrier();
	deadline = jiffies + 5 * HZ;
	for (i = 0; i < f->ndests; i++) {
		struct ip_vs_dest *d = f->dests[i];

		while (refcount_read(&d->refcnt) != 1 &&
		       time_before(jiffies, deadline))
			msleep(20);
		if (refcount_read(&d->refcnt) != 1) {
			KUNIT_FAIL(test, "server %u: %u references left", i,
				   refcount_read(&d->refcnt) - 1);
			continue;
		}
		kfree(d);
	}
	kvfree(f->dests);
}

static struct ip_vs_dest *sip_test_dest(struct kunit *test,
					struct list_head *list,
					const struct sip_srv *srv)
{
	struct sip_test_fix *f = test->priv;
	struct ip_vs_dest *d;

	KUNIT_ASSERT_LT(test, f->ndests, SIP_TEST_DESTS);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	f->dests[f->ndests++] = d;
	d->af = srv->af;
	if (srv->af == AF_INET6) {
		d->addr.in6.s6_addr32[0] = htonl(0x20010db8);
		d->addr.in6.s6_addr32[3] = htonl(srv->id);
	} else {
		d->addr.ip = htonl(0x0a000000 | srv->id);
	}
	d->port = htons(srv->port);
	atomic_set(&d->weight, srv->weight);
	atomic_set(&d->last_weight, srv->weight);
	refcount_set(&d->refcnt, 1);
	list_add_tail(&d->n_list, list);
	return d;
}

/* IPv4 server 10.0.0.id:5060 */
static struct ip_vs_dest *sip_test_dest4(struct kunit *test,
					 struct list_head *list, u32 id,
					 int weight)
{
	const struct sip_srv srv = { AF_INET, id, 5060, weight };

	return sip_test_dest(test, list, &srv);
}

/* Identity of a server across directors (which have their own objects). */
static u64 sip_test_id(const struct ip_vs_dest *d)
{
	u32 a;

	if (!d)
		return 0;
	a = d->af == AF_INET6 ? d->addr.in6.s6_addr32[3] : d->addr.ip;
	return (u64)d->af << 48 | (u64)ntohl(a) << 16 | ntohs(d->port);
}

/* The id of an IPv4 server made by sip_test_dest4(), 0 for none. */
static unsigned int sip_test_idx(const struct ip_vs_dest *d)
{
	return d ? ntohl(d->addr.ip) & 0xffffff : 0;
}

static u64 sip_test_slot_id(const struct ip_vs_kaff_table *t, unsigned int i)
{
	if (t->slot[i] == IP_VS_KAFF_NO_DEST)
		return 0;
	return sip_test_id(t->dests[t->slot[i]]);
}

static struct ip_vs_kaff_table *sip_test_table(struct kunit *test,
					       struct list_head *list, u64 seed)
{
	struct sip_test_fix *f = test->priv;
	struct ip_vs_kaff_conf c = { .seed = seed };
	struct ip_vs_kaff_table *t;

	KUNIT_ASSERT_LT(test, f->ntables, SIP_TEST_TABLES);
	t = ip_vs_kaff_table_build(list, c.seed);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	f->tables[f->ntables++] = t;
	return t;
}

/* The i-th generated Call-ID. */
static const char *sip_test_key(char *buf, unsigned int i)
{
	snprintf(buf, SIP_TEST_KEYLEN, "%08x-%u@192.0.2.%u",
		 i * 2654435761U, i, i % 250 + 1);
	return buf;
}

static struct ip_vs_dest *sip_test_pick(const struct ip_vs_kaff_table *t,
					unsigned int i)
{
	char buf[SIP_TEST_KEYLEN];

	sip_test_key(buf, i);
	return ip_vs_kaff_table_pick(t, ip_vs_kaff_hash_key(t, buf, strlen(buf)));
}

/* n/d as a percentage with one decimal, "12.3%", in @buf */
static const char *sip_pct(char *buf, u64 n, u64 d)
{
	u64 pm = n * 1000 / d;

	snprintf(buf, 8, "%u.%u%%", (unsigned int)(pm / 10),
		 (unsigned int)(pm % 10));
	return buf;
}

/*
 * Failed checks in a loop over keys are counted and reported once, with
 * the first failing index: a bug must not print thousands of expectations
 * (the kernel log the runner reads KTAP from would wrap).
 */
struct sip_tally {
	unsigned int	bad;
	unsigned int	first;
};

static void sip_check(struct sip_tally *t, bool ok, unsigned int i)
{
	if (!ok && !t->bad++)
		t->first = i;
}

/* ---------------------------------------------------------------------- */

static const struct sip_srv sip_test_farm[] = {
	{ AF_INET, 1, 5060, 1 },
	{ AF_INET, 2, 5060, 2 },
	{ AF_INET, 2, 5080, 1 },	/* same address, other port */
	{ AF_INET, 3, 5060, 3 },
	{ AF_INET, 0x000100, 5060, 1 },
	{ AF_INET, 0x010000, 5060, 1 },
	{ AF_INET6, 1, 5060, 2 },
	{ AF_INET6, 2, 5060, 1 },
	{ AF_INET6, 2, 5061, 1 },
	{ AF_INET, 9, 5060, 4 },
	{ AF_INET, 10, 5060, 1 },
	{ AF_INET, 0xffffff, 5060, 1 },
};

/*
 * 48 directors get the same servers (own objects, same addresses) added in
 * 48 orders (forward, backward, shuffled, rotated): their tables map every
 * slot to the same server and they pick the same server for 10000 keys.
 * Guards against placement that depends on the order servers were added in
 * (as ip_vs_mh does: the sort by (af, addr, port) is missing or compares
 * wrongly, e.g. ignores the port of two servers on one address).
 */
static void ip_vs_sip_maglev_test_order(struct kunit *test)
{
	static const unsigned int mul[] = { 1, 5, 7, 11 }; /* coprime, 12 */
	const unsigned int n = ARRAY_SIZE(sip_test_farm);
	struct sip_tally slots = {}, picks = {};
	struct ip_vs_kaff_conf conf = { .seed = 0x5eed };
	struct ip_vs_kaff_table *ref, *t;
	unsigned int i, j, k, bad;

	BUILD_BUG_ON(ARRAY_SIZE(sip_test_farm) != 12);
	for (k = 0; k < ARRAY_SIZE(mul) * n; k++) {
		LIST_HEAD(list);

		/* director 0: forward; mul 11: backward */
		for (i = 0; i < n; i++)
			sip_test_dest(test, &list,
				      &sip_test_farm[(i * mul[k / n] + k) % n]);
		if (!k) {
			ref = sip_test_table(test, &list, conf.seed);
			continue;
		}
		t = ip_vs_kaff_table_build(&list, conf.seed);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
		bad = t->ndests != n;
		for (i = 0; i < SIP_TEST_M; i++)
			bad += sip_test_slot_id(ref, i) != sip_test_slot_id(t, i);
		sip_check(&slots, !bad, k);
		bad = 0;
		for (i = 0; i < 10000; i++)
			bad += sip_test_id(sip_test_pick(ref, i)) !=
			       sip_test_id(sip_test_pick(t, i));
		sip_check(&picks, !bad, k);
		ip_vs_kaff_table_free(t);
	}
	KUNIT_EXPECT_EQ_MSG(test, slots.bad, 0U,
			    "directors with other slots, first %u", slots.first);
	KUNIT_EXPECT_EQ_MSG(test, picks.bad, 0U,
			    "directors with other picks, first %u", picks.first);
	/* every server has slots: the table really is shared out */
	for (i = 0; i < n; i++) {
		unsigned int cnt = 0;

		for (j = 0; j < SIP_TEST_M; j++)
			cnt += ref->slot[j] == i;
		KUNIT_EXPECT_GT_MSG(test, cnt, 0U, "server %u", i);
	}
}

/*
 * The same seed gives the same table and picks; another seed gives another
 * table. Guards against the seed being ignored (directors could not be
 * given a private placement) or not deterministic (directors would not
 * agree).
 */
static void ip_vs_sip_maglev_test_seed(struct kunit *test)
{
	struct ip_vs_kaff_table *a, *b, *c;
	unsigned int i, slots = 0, picks = 0;
	char p1[8], p2[8];
	LIST_HEAD(list);

	for (i = 1; i <= 5; i++)
		sip_test_dest4(test, &list, i, 1);
	a = sip_test_table(test, &list, 1);
	b = sip_test_table(test, &list, 1);
	c = sip_test_table(test, &list, 2);

	KUNIT_EXPECT_EQ(test, memcmp(a->slot, b->slot, sizeof(a->slot)), 0);
	for (i = 0; i < 10000; i++)
		KUNIT_ASSERT_PTR_EQ(test, sip_test_pick(a, i),
				    sip_test_pick(b, i));

	for (i = 0; i < SIP_TEST_M; i++)
		slots += a->slot[i] != c->slot[i];
	for (i = 0; i < 10000; i++)
		picks += sip_test_pick(a, i) != sip_test_pick(c, i);
	kunit_info(test, "seed 1 vs 2: %s of slots, %s of keys differ\n",
		   sip_pct(p1, slots, SIP_TEST_M), sip_pct(p2, picks, 10000));
	/* 5 servers: two random tables share about 1/5 of their slots */
	KUNIT_EXPECT_GT(test, slots, SIP_TEST_M / 2);
	KUNIT_EXPECT_GT(test, picks, 10000U / 2);
}

struct sip_weight_case {
	const char	*name;
	unsigned int	n;
	int		weight[10];
};

static const struct sip_weight_case sip_weight_cases[] = {
	{ "1_2_3", 3, { 1, 2, 3 } },
	{ "equal_3", 3, { 1, 1, 1 } },
	{ "equal_5", 5, { 7, 7, 7, 7, 7 } },
	{ "equal_10", 10, { 100, 100, 100, 100, 100,
			    100, 100, 100, 100, 100 } },
	{ "1_to_10", 10, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } },
	{ "40_1_1", 3, { 40, 1, 1 } },
};

static void sip_weight_desc(const struct sip_weight_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip_weight, sip_weight_cases, sip_weight_desc);

/*
 * Each server's share of the slots is within 2% of weight / total weight.
 * Guards against weights being ignored or mis-reduced (every server gets
 * the same share, or one turn is lost per round).
 */
static void ip_vs_sip_maglev_test_weights(struct kunit *test)
{
	const struct sip_weight_case *c = test->param_value;
	unsigned int cnt[10] = {}, want[10], i, total = 0;
	struct sip_tally off = {};
	char got_s[64], want_s[64];
	struct ip_vs_kaff_table *t;
	int g = 0, w = 0;
	LIST_HEAD(list);

	for (i = 0; i < c->n; i++) {
		sip_test_dest4(test, &list, i + 1, c->weight[i]);
		total += c->weight[i];
	}
	t = sip_test_table(test, &list, 0);
	for (i = 0; i < SIP_TEST_M; i++) {
		KUNIT_ASSERT_LT(test, t->slot[i], c->n);
		cnt[sip_test_idx(t->dests[t->slot[i]]) - 1]++;
	}
	for (i = 0; i < c->n; i++) {
		want[i] = SIP_TEST_M * c->weight[i] / total;
		sip_check(&off, abs((int)cnt[i] - (int)want[i]) <=
			  SIP_TEST_M / 50, i + 1);
		g += scnprintf(got_s + g, sizeof(got_s) - g, " %u", cnt[i]);
		w += scnprintf(want_s + w, sizeof(want_s) - w, " %u", want[i]);
	}
	kunit_info(test, "%s: slots%s, expected%s\n", c->name, got_s, want_s);
	KUNIT_EXPECT_EQ_MSG(test, off.bad, 0U,
			    "share off by more than 2%%, first server %u",
			    off.first);
}

/*
 * Weights 1:2:3, 2:4:6 and 100:200:300 give the same table. Guards against
 * weights not being reduced by their gcd (an administrator scaling all
 * weights would reshuffle every call).
 */
static void ip_vs_sip_maglev_test_weight_scale(struct kunit *test)
{
	static const int scale[] = { 1, 2, 100 };
	struct ip_vs_kaff_table *t[ARRAY_SIZE(scale)];
	unsigned int i, k;

	for (k = 0; k < ARRAY_SIZE(scale); k++) {
		LIST_HEAD(list);

		for (i = 1; i <= 3; i++)
			sip_test_dest4(test, &list, i, i * scale[k]);
		t[k] = sip_test_table(test, &list, 0);
		if (k)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(t[0]->slot, t[k]->slot,
							 sizeof(t[0]->slot)),
					    0, "weights x%d", scale[k]);
	}
}

#define SIP_DISRUPT_N		10
#define SIP_DISRUPT_KEYS	20000

/*
 * N = 10 equal servers, 20000 keys. Removing one server moves its keys,
 * spread over every survivor, and at most 3% of the others; adding an 11th
 * moves about 1/11 of the keys, almost all of them to the new server.
 * Guards against placement that is not consistent (a modulo hash, or a
 * permutation that depends on a server's rank instead of its address:
 * every change reshuffles most calls) and against a removed server's load
 * landing on a single neighbour.
 */
static void ip_vs_sip_maglev_test_disruption(struct kunit *test)
{
	const unsigned int n = SIP_DISRUPT_N, keys = SIP_DISRUPT_KEYS;
	unsigned int recv[SIP_DISRUPT_N + 2] = {};
	unsigned int i, moved = 0, extra = 0, on_gone = 0, to_new = 0;
	unsigned int survivors = 0, least = UINT_MAX;
	struct ip_vs_dest *srv[SIP_DISRUPT_N + 1];
	struct ip_vs_kaff_table *a, *b, *c;
	const unsigned int gone = 4;
	char p1[8], p2[8], p3[8];
	LIST_HEAD(list);
	u8 *before;

	before = kunit_kzalloc(test, keys, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	for (i = 1; i <= n; i++)
		srv[i - 1] = sip_test_dest4(test, &list, i, 1);
	a = sip_test_table(test, &list, 0);
	for (i = 0; i < keys; i++)
		before[i] = sip_test_idx(sip_test_pick(a, i));

	/* remove server 4 */
	list_del(&srv[gone - 1]->n_list);
	b = sip_test_table(test, &list, 0);
	for (i = 0; i < keys; i++) {
		unsigned int now = sip_test_idx(sip_test_pick(b, i));

		KUNIT_ASSERT_NE(test, now, 0U);
		KUNIT_ASSERT_NE(test, now, gone);
		if (before[i] == gone) {
			on_gone++;
			recv[now]++;
		} else if (now != before[i]) {
			extra++;
		}
	}
	moved = on_gone + extra;
	for (i = 1; i <= n; i++) {
		if (i == gone)
			continue;
		survivors += recv[i] > 0;
		least = min(least, recv[i]);
	}
	kunit_info(test, "remove 1 of %u: %s of keys moved (%s were on it, %s others); its keys went to %u of %u survivors, fewest %u of %u\n",
		   n, sip_pct(p1, moved, keys), sip_pct(p2, on_gone, keys),
		   sip_pct(p3, extra, keys), survivors, n - 1, least, on_gone);
	KUNIT_EXPECT_LE(test, moved * 100, keys * (100 / n + 3));
	KUNIT_EXPECT_EQ(test, survivors, n - 1);
	/* even spread: each survivor gets at least half its fair part */
	KUNIT_EXPECT_GE(test, least * 2 * (n - 1), on_gone);

	/* put it back (at the end of the list) and add an 11th server */
	list_add_tail(&srv[gone - 1]->n_list, &list);
	srv[n] = sip_test_dest4(test, &list, n + 1, 1);
	c = sip_test_table(test, &list, 0);
	moved = 0;
	for (i = 0; i < keys; i++) {
		unsigned int now = sip_test_idx(sip_test_pick(c, i));

		if (now == before[i])
			continue;
		moved++;
		to_new += now == n + 1;
	}
	kunit_info(test, "add an 11th to %u: %s of keys moved (%s to it, %s between old servers; 1/11 = 9.1%%)\n",
		   n, sip_pct(p1, moved, keys), sip_pct(p2, to_new, keys),
		   sip_pct(p3, moved - to_new, keys));
	KUNIT_EXPECT_LE(test, moved * 1000, keys * (1000 / (n + 1) + 30));
	KUNIT_EXPECT_GE(test, to_new * 1000, keys * (1000 / (n + 1) - 15));
	KUNIT_EXPECT_LE(test, (moved - to_new) * 100, keys * 3);
}

struct sip_unusable_case {
	const char	*name;
	bool		overload;	/* else weight 0 */
};

static const struct sip_unusable_case sip_unusable_cases[] = {
	{ "weight_0", false },
	{ "overloaded", true },
};

static void sip_unusable_desc(const struct sip_unusable_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip_unusable, sip_unusable_cases, sip_unusable_desc);

/*
 * An overloaded server stays in the table (overload is not configuration:
 * the table is the same) and a quiesced one (weight 0) leaves it, as if
 * removed. Either way no key is placed on it and its keys spread evenly
 * over all the others. Overloaded: no other key moves. Quiesced: the
 * rebuilt table moves few others (Maglev), and is the table of a director
 * that added the server with weight 0. Guards against picks returning an
 * unusable server, its share landing on one neighbour, and placement that
 * depends on IPVS's last_weight (history).
 */
static void ip_vs_sip_maglev_test_unusable(struct kunit *test)
{
	const struct sip_unusable_case *c = test->param_value;
	const unsigned int n = 10, keys = 20000, out = 7;
	unsigned int recv[11] = {}, i, on_out = 0, others = 0;
	unsigned int least = UINT_MAX, most = 0;
	struct ip_vs_kaff_table *a, *b, *fresh = NULL;
	struct ip_vs_dest *srv[10];
	LIST_HEAD(list);
	LIST_HEAD(list2);
	char p1[8];
	u8 *before;

	before = kunit_kzalloc(test, keys, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	for (i = 1; i <= n; i++)
		srv[i - 1] = sip_test_dest4(test, &list, i, 3);
	a = sip_test_table(test, &list, 0);
	for (i = 0; i < keys; i++)
		before[i] = sip_test_idx(sip_test_pick(a, i));

	if (c->overload)
		srv[out - 1]->flags |= IP_VS_DEST_F_OVERLOAD;
	else
		atomic_set(&srv[out - 1]->weight, 0); /* last_weight stays 3 */
	KUNIT_EXPECT_FALSE(test, ip_vs_kaff_dest_usable(srv[out - 1]));
	b = sip_test_table(test, &list, 0);
	if (c->overload) {
		KUNIT_EXPECT_EQ(test, memcmp(a->slot, b->slot, sizeof(a->slot)),
				0);
	} else {
		for (i = 1; i <= n; i++)
			sip_test_dest4(test, &list2, i, i == out ? 0 : 3);
		fresh = sip_test_table(test, &list2, 0);
	}

	for (i = 0; i < keys; i++) {
		unsigned int now = sip_test_idx(sip_test_pick(b, i));

		KUNIT_ASSERT_NE(test, now, 0U);
		KUNIT_ASSERT_NE(test, now, out);
		if (fresh)
			KUNIT_ASSERT_EQ(test, now,
					sip_test_idx(sip_test_pick(fresh, i)));
		if (before[i] == out) {
			on_out++;
			recv[now]++;
		} else if (now != before[i]) {
			others++;
		}
	}
	for (i = 1; i <= n; i++) {
		if (i == out)
			continue;
		least = min(least, recv[i]);
		most = max(most, recv[i]);
	}
	kunit_info(test, "%s: %u keys of the unusable server went to the %u others: %u to %u each (fair %u); %u other keys moved (%s)\n",
		   c->name, on_out, n - 1, least, most, on_out / (n - 1),
		   others, sip_pct(p1, others, keys));
	KUNIT_EXPECT_GT(test, on_out, 0U);
	if (c->overload)
		KUNIT_EXPECT_EQ(test, others, 0U);
	else
		KUNIT_EXPECT_LE(test, others * 100, keys * 3);
	KUNIT_EXPECT_GE(test, least * 2 * (n - 1), on_out);
	KUNIT_EXPECT_LE(test, most * (n - 1), on_out * 2);
}

/* Pool of servers a random history draws from, and its length. */
#define SIP_HIST_POOL		8
#define SIP_HIST_OPS		40
#define SIP_HIST_ROUNDS		24
#define SIP_HIST_KEYS		3000

/* One director's servers during a random history. */
struct sip_hist {
	struct ip_vs_dest	*d[SIP_HIST_POOL];	/* NULL: not in it */
	struct list_head	list;
};

/*
 * Apply one random operation the way IPVS applies it: add a server (with a
 * weight, 0 included), remove it, or change its weight, IPVS keeping the
 * latest non-zero weight in last_weight.
 */
static void sip_hist_op(struct kunit *test, struct sip_hist *h,
			struct rnd_state *rnd)
{
	u32 r = prandom_u32_state(rnd);
	unsigned int id = r % SIP_HIST_POOL;
	int w = (r >> 8) % 5;
	struct ip_vs_dest *d = h->d[id];

	if (!d) {
		h->d[id] = sip_test_dest4(test, &h->list, id + 1, w);
	} else if ((r >> 16) % 4 == 0) {
		list_del(&d->n_list);
		h->d[id] = NULL;
	} else {
		atomic_set(&d->weight, w);
		if (w)
			atomic_set(&d->last_weight, w);
	}
}

/*
 * History independence, as a property: for many random operation
 * histories, a director that went through the history and one that was
 * configured once with the final servers and weights (added with those
 * weights, weight 0 included, in another order) have the same table and
 * place every key on the same server. Also the case the review found: one
 * director quiesces a server (weight 1 -> 0), the other adds it with
 * weight 0 (ipvsadm -R, keepalived's inhibit_on_failure). Guards against
 * placement by last_weight or by anything else a history leaves behind.
 */
static void ip_vs_sip_maglev_test_history(struct kunit *test)
{
	struct sip_tally diff = {};
	struct rnd_state rnd;
	unsigned int round, i, op;

	prandom_seed_state(&rnd, 0x5eed0f5195ULL);
	for (round = 0; round <= SIP_HIST_ROUNDS; round++) {
		struct ip_vs_kaff_conf conf = { .seed = round * 7919ULL };
		struct sip_hist a = {}, b = {};
		struct ip_vs_kaff_table *ta, *tb;
		int w;

		INIT_LIST_HEAD(&a.list);
		INIT_LIST_HEAD(&b.list);
		if (!round) {
			/* A: X=1 quiesced; B: X added with weight 0 */
			for (i = 0; i < 3; i++)
				a.d[i] = sip_test_dest4(test, &a.list, i + 1,
							1);
			atomic_set(&a.d[0]->weight, 0);
		} else {
			for (op = 0; op < SIP_HIST_OPS; op++)
				sip_hist_op(test, &a, &rnd);
		}
		/* B: the final state, added once, in reverse id order */
		for (i = SIP_HIST_POOL; i-- > 0;) {
			if (!a.d[i])
				continue;
			w = atomic_read(&a.d[i]->weight);
			b.d[i] = sip_test_dest4(test, &b.list, i + 1, w);
		}
		ta = ip_vs_kaff_table_build(&a.list, conf.seed);
		tb = ip_vs_kaff_table_build(&b.list, conf.seed);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ta);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tb);
		for (i = 0; i < SIP_TEST_M; i++)
			sip_check(&diff, sip_test_slot_id(ta, i) ==
				  sip_test_slot_id(tb, i), round);
		for (i = 0; i < SIP_HIST_KEYS; i++)
			sip_check(&diff,
				  sip_test_id(sip_test_pick(ta, i)) ==
				  sip_test_id(sip_test_pick(tb, i)), round);
		ip_vs_kaff_table_free(ta);
		ip_vs_kaff_table_free(tb);
	}
	KUNIT_EXPECT_EQ_MSG(test, diff.bad, 0U,
			    "placements differ, first in history %u (0: quiesced vs added with weight 0)",
			    diff.first);
}

/*
 * No usable server -> NULL, whatever the reason: empty service, every
 * server quiesced or overloaded, every server added with weight 0 (empty
 * slots). With one usable server of ten, every key finds it, also when all
 * rehashes miss it. Guards against returning an unusable server, reading
 * an empty slot's index, or giving up after the rehashes.
 */
static void ip_vs_sip_maglev_test_none(struct kunit *test)
{
	struct sip_tally nul = {};
	struct ip_vs_dest *srv[10];
	struct ip_vs_kaff_table *t;
	LIST_HEAD(empty);
	LIST_HEAD(zero);
	LIST_HEAD(list);
	unsigned int i;

	t = sip_test_table(test, &empty, 0);
	KUNIT_EXPECT_EQ(test, t->ndests, 0U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_table_index(t, (void *)t), -1);
	for (i = 0; i < 100; i++)
		sip_check(&nul, !sip_test_pick(t, i), i);
	KUNIT_EXPECT_EQ_MSG(test, nul.bad, 0U, "empty: key %u", nul.first);

	for (i = 1; i <= 3; i++)
		sip_test_dest4(test, &zero, i, 0);
	t = sip_test_table(test, &zero, 0);
	KUNIT_EXPECT_EQ(test, t->slot[0], IP_VS_KAFF_NO_DEST);
	for (i = 0; i < 100; i++)
		sip_check(&nul, !sip_test_pick(t, i), i);
	KUNIT_EXPECT_EQ_MSG(test, nul.bad, 0U, "weight 0: key %u", nul.first);

	for (i = 1; i <= 10; i++)
		srv[i - 1] = sip_test_dest4(test, &list, i, 1);
	t = sip_test_table(test, &list, 0);
	for (i = 0; i < 10; i++) {
		if (i % 2)
			srv[i]->flags |= IP_VS_DEST_F_OVERLOAD;
		else
			atomic_set(&srv[i]->weight, 0);
	}
	for (i = 0; i < 1000; i++)
		sip_check(&nul, !sip_test_pick(t, i), i);
	KUNIT_EXPECT_EQ_MSG(test, nul.bad, 0U, "unusable: key %u", nul.first);

	/* only server 6 left */
	atomic_set(&srv[5]->weight, 1);
	srv[5]->flags = 0;
	for (i = 0; i < 2000; i++)
		KUNIT_ASSERT_PTR_EQ(test, sip_test_pick(t, i), srv[5]);
}

/*
 * IP_VS_KAFF_MAX_DESTS servers fit (each with a share of the table, each
 * found by pointer in the table's index); one more is refused with -E2BIG
 * and takes no reference. Guards against overflowing the u16 slot or
 * index entries, an index that misses a server or finds one it lacks, or
 * leaking references on the error path.
 */
static void ip_vs_sip_maglev_test_too_many(struct kunit *test)
{
	struct ip_vs_kaff_conf conf = {};
	struct ip_vs_kaff_table *t;
	struct ip_vs_dest *extra;
	unsigned int i, *cnt;
	LIST_HEAD(list);

	cnt = kunit_kcalloc(test, IP_VS_KAFF_MAX_DESTS, sizeof(*cnt),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cnt);
	for (i = 1; i <= IP_VS_KAFF_MAX_DESTS; i++)
		sip_test_dest4(test, &list, i, 1);
	t = sip_test_table(test, &list, 0);
	KUNIT_EXPECT_EQ(test, t->ndests, (unsigned int)IP_VS_KAFF_MAX_DESTS);
	for (i = 0; i < SIP_TEST_M; i++) {
		KUNIT_ASSERT_LT(test, t->slot[i], IP_VS_KAFF_MAX_DESTS);
		cnt[t->slot[i]]++;
	}
	for (i = 0; i < IP_VS_KAFF_MAX_DESTS; i++)
		KUNIT_ASSERT_GE(test, cnt[i], SIP_TEST_M / IP_VS_KAFF_MAX_DESTS);
	/* Bindings find their server by pointer: each one, none else. */
	for (i = 0; i < t->ndests; i++)
		KUNIT_ASSERT_EQ(test, ip_vs_kaff_table_index(t, t->dests[i]),
				(int)i);

	extra = sip_test_dest4(test, &list, IP_VS_KAFF_MAX_DESTS + 1, 1);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_table_index(t, extra), -1);
	KUNIT_EXPECT_PTR_EQ(test, ip_vs_kaff_table_build(&list, conf.seed),
			    ERR_PTR(-E2BIG));
}

static struct kunit_case ip_vs_sip_maglev_test_cases[] = {
	KUNIT_CASE(ip_vs_sip_maglev_test_order),
	KUNIT_CASE(ip_vs_sip_maglev_test_seed),
	KUNIT_CASE_PARAM(ip_vs_sip_maglev_test_weights, sip_weight_gen_params),
	KUNIT_CASE(ip_vs_sip_maglev_test_weight_scale),
	KUNIT_CASE(ip_vs_sip_maglev_test_disruption),
	KUNIT_CASE_PARAM(ip_vs_sip_maglev_test_unusable,
			 sip_unusable_gen_params),
	KUNIT_CASE(ip_vs_sip_maglev_test_history),
	KUNIT_CASE(ip_vs_sip_maglev_test_none),
	KUNIT_CASE(ip_vs_sip_maglev_test_too_many),
	{}
};

static struct kunit_suite ip_vs_sip_maglev_test_suite = {
	.name = "ip_vs_sip_maglev",
	.init = sip_test_init,
	.exit = sip_test_exit,
	.test_cases = ip_vs_sip_maglev_test_cases,
};

/* ---------------------------------------------------------------------- */

#define SIP_M(x)	IP_VS_SIP_M_##x
#define SIP_S(x)	IP_VS_SIP_S_##x

/* A service of n servers 10.0.0.1..n with weight 1, fixed settings. */
static void sip_test_svc(struct kunit *test, unsigned int n)
{
	struct sip_test_fix *f = test->priv;
	struct ip_vs_kaff_svc *s;
	unsigned int i;

	for (i = 1; i <= n; i++)
		sip_test_dest4(test, &f->list, i, 1);
	s = ip_vs_sip_svc_create(NULL, &f->list);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	f->s = s;
	/* the defaults of the module parameters, whatever they are now */
	s->conf.timeout[IP_VS_SIP_S_DIALOG] = 1800;
	s->conf.timeout[IP_VS_SIP_S_TRANSACTION] = 32;
	s->conf.timeout[IP_VS_SIP_S_LINGER] = 32;
	s->conf.max_bindings = 100000;
}

/*
 * One message with Call-ID @key at @at jiffies after f->now: the request
 * @method, or when @status is not 0 a response to a @method request.
 */
static struct ip_vs_dest *sip_test_send(struct sip_test_fix *f,
					const char *key, u8 method,
					u16 status, bool move,
					unsigned long at)
{
	struct ip_vs_sip_msg m = {
		.callid = (const u8 *)key,
		.callid_len = strlen(key),
		.method = method,
		.status = status,
		.flags = status ? IP_VS_SIP_F_RESPONSE : 0,
	};
	const struct ip_vs_kaff_table *t;
	struct ip_vs_dest *d;
	u64 hash;

	rcu_read_lock();
	t = rcu_dereference(f->s->table);
	hash = ip_vs_kaff_hash_key(t, m.callid, m.callid_len);
	d = ip_vs_sip_bind(f->s, t, &m, hash, move, f->now + at);
	rcu_read_unlock();
	return d;
}

static struct ip_vs_dest *sip_test_req(struct sip_test_fix *f, const char *key,
				       u8 method, unsigned long at)
{
	return sip_test_send(f, key, method, 0, false, at);
}

/*
 * A service of three servers with Call-IDs 0..@keys-1 bound by their
 * INVITE: the server id each one is bound to, in a test allocation.
 */
static u8 *sip_test_bind_keys(struct kunit *test, unsigned int keys)
{
	struct sip_test_fix *f = test->priv;
	char buf[SIP_TEST_KEYLEN];
	unsigned int i;
	u8 *bound;

	bound = kunit_kzalloc(test, keys, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bound);
	sip_test_svc(test, 3);
	for (i = 0; i < keys; i++)
		bound[i] = sip_test_idx(sip_test_req(f, sip_test_key(buf, i),
						     SIP_M(INVITE), 0));
	return bound;
}

/* Where the consistent hash alone places @key now. */
static struct ip_vs_dest *sip_test_hash(struct sip_test_fix *f,
					const char *key)
{
	const struct ip_vs_kaff_table *t;
	struct ip_vs_dest *d;

	rcu_read_lock();
	t = rcu_dereference(f->s->table);
	d = ip_vs_kaff_table_pick(t, ip_vs_kaff_hash_key(t, key, strlen(key)));
	rcu_read_unlock();
	return d;
}

/* The binding of @key: found?, its state and expiry. */
static bool sip_test_binding(struct sip_test_fix *f, const char *key,
			     u8 *state, unsigned long *expires)
{
	struct ip_vs_kaff_binding *b;
	bool found = false;

	rcu_read_lock();
	b = ip_vs_kaff_lookup(f->s, (const u8 *)key, strlen(key));
	if (b) {
		*state = b->state;
		*expires = ip_vs_kaff_expiry(b, f->now);
		found = true;
	}
	rcu_read_unlock();
	return found;
}

static struct ip_vs_kaff_stats sip_test_stats(struct sip_test_fix *f)
{
	struct ip_vs_kaff_stats st;

	ip_vs_kaff_stats_sum(f->s, &st);
	return st;
}

static unsigned int sip_test_nbindings(struct sip_test_fix *f)
{
	return atomic_read(&f->s->nbindings);
}

/*
 * Every message of a Call-ID goes to the server its first one went to, one
 * binding is created and then found; new Call-IDs are placed by the
 * consistent hash and spread over all servers. Guards against a binding
 * per message (leak) or no lookup, and against placement not by the hash.
 */
static void ip_vs_sip_bind_test_same(struct kunit *test)
{
	static const char key[] = "a84b4c76e66710@pc33.atlanta.example.com";
	struct sip_test_fix *f = test->priv;
	unsigned int i, cnt[4] = {};
	char buf[SIP_TEST_KEYLEN];
	struct ip_vs_kaff_stats st;
	struct ip_vs_dest *d, *first;
	struct sip_tally hash = {};

	sip_test_svc(test, 3);
	first = sip_test_req(f, key, SIP_M(INVITE), 0);
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_EXPECT_PTR_EQ(test, first, sip_test_hash(f, key));
	for (i = 1; i < 10; i++)
		KUNIT_EXPECT_PTR_EQ(test, sip_test_req(f, key, SIP_M(INVITE), i),
				    first);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 1ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 9ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);

	for (i = 0; i < 600; i++) {
		sip_test_key(buf, i);
		d = sip_test_req(f, buf, SIP_M(REGISTER), 0);
		KUNIT_ASSERT_NOT_NULL(test, d);
		sip_check(&hash, d == sip_test_hash(f, buf), i);
		cnt[sip_test_idx(d)]++;
	}
	KUNIT_EXPECT_EQ_MSG(test, hash.bad, 0U, "not placed by the hash: key %u",
			    hash.first);
	kunit_info(test, "600 Call-IDs over 3 servers: %u %u %u\n",
		   cnt[1], cnt[2], cnt[3]);
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_GT_MSG(test, cnt[i], 100U, "server %u", i);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 601ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 601U);
}

/*
 * A server is added and the consistent hash now places some bound Call-IDs
 * on it: they stay on their server; new Call-IDs use the new table. Guards
 * against bindings being ignored or dropped when the table is replaced
 * (calls would move mid-dialog at every scale-out).
 */
static void ip_vs_sip_bind_test_sticky(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	const unsigned int keys = 600;
	char buf[SIP_TEST_KEYLEN];
	unsigned int i, rehashed = 0, on_new = 0;
	struct sip_tally stay = {};
	struct ip_vs_kaff_stats st;
	struct ip_vs_dest *d;
	u8 *bound;

	bound = sip_test_bind_keys(test, keys);

	d = sip_test_dest4(test, &f->list, 4, 1);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	for (i = 0; i < keys; i++) {
		sip_test_key(buf, i);
		rehashed += sip_test_hash(f, buf) == d;
		sip_check(&stay, sip_test_idx(sip_test_req(f, buf, SIP_M(ACK),
							   HZ)) == bound[i], i);
	}
	KUNIT_EXPECT_EQ_MSG(test, stay.bad, 0U, "moved: key %u", stay.first);
	kunit_info(test, "server 4 added: the hash moved %u of %u bound Call-IDs to it, none followed\n",
		   rehashed, keys);
	KUNIT_EXPECT_GT(test, rehashed, 0U);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, (u64)keys);
	KUNIT_EXPECT_EQ(test, st.hits, (u64)keys);
	KUNIT_EXPECT_EQ(test, st.moved, 0ULL);

	/* new Call-IDs do reach the new server */
	for (i = keys; i < 2 * keys; i++)
		on_new += sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE),
				       HZ) == d;
	KUNIT_EXPECT_GT(test, on_new, 0U);
}

/*
 * A new seed (netlink sip-set): bound Call-IDs stay where they are, new
 * ones are placed by the new seed, and the table is the one a service
 * created with that seed has (directors with the same seed agree).
 */
static void ip_vs_sip_bind_test_reseed(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	const unsigned int keys = 600;
	char buf[SIP_TEST_KEYLEN];
	const struct ip_vs_kaff_table *t;
	struct ip_vs_kaff_table *fresh;
	struct ip_vs_kaff_conf c = {};
	unsigned int i, differ = 0;
	struct sip_tally stay = {};
	u8 *bound;

	bound = sip_test_bind_keys(test, keys);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_reseed(f->s, 0x5eed), 0);
	KUNIT_EXPECT_EQ(test, f->s->conf.seed, 0x5eedULL);
	for (i = 0; i < keys; i++) {
		sip_test_key(buf, i);
		differ += sip_test_idx(sip_test_hash(f, buf)) != bound[i];
		sip_check(&stay, sip_test_idx(sip_test_req(f, buf, SIP_M(ACK),
							   HZ)) == bound[i], i);
	}
	KUNIT_EXPECT_EQ_MSG(test, stay.bad, 0U, "moved: key %u", stay.first);
	kunit_info(test, "new seed: %u of %u bound Call-IDs hash elsewhere now, none moved\n",
		   differ, keys);
	KUNIT_EXPECT_GT(test, differ, keys / 4);

	/* The same slots as a table built afresh with that seed. */
	c.seed = 0x5eed;
	fresh = ip_vs_kaff_table_build(&f->list, c.seed);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fresh);
	rcu_read_lock();
	t = rcu_dereference(f->s->table);
	KUNIT_EXPECT_EQ(test, memcmp(t->slot, fresh->slot, sizeof(t->slot)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&t->key, &fresh->key, sizeof(t->key)), 0);
	rcu_read_unlock();
	ip_vs_kaff_table_free(fresh);
}

struct sip_life_step {
	unsigned int	at;	/* seconds after the first message */
	u8		method;	/* request method, or the CSeq method */
	u16		status;	/* response status; 0: a request */
	u8		state;	/* expected state afterwards */
};

struct sip_life_case {
	const char		*name;
	/* ends at the first step with method SIP_M(UNKNOWN) (not used) */
	struct sip_life_step	step[8];
	unsigned int		end;	/* seconds: expires then, not before */
	unsigned int		ended;	/* expected "ended" count */
};

/*
 * dialog_timeout 1800 s, early_timeout 180 s, transaction_timeout and
 * linger_timeout 32 s
 */
static const struct sip_life_case sip_life_cases[] = {
	/* a transaction-only binding living 30 min: memory held 56 times
	 * longer than needed
	 */
	{ "register", { { 0, SIP_M(REGISTER), 0, SIP_S(TRANSACTION) } }, 32, 0 },
	/* retransmission at 31 s not refreshing: binding lost mid-transaction */
	{ "register_refreshed", {
		{ 0, SIP_M(REGISTER), 0, SIP_S(TRANSACTION) },
		{ 31, SIP_M(REGISTER), 0, SIP_S(TRANSACTION) } }, 63, 0 },
	/* a response to a non-INVITE changing the state */
	{ "options_200", {
		{ 0, SIP_M(OPTIONS), 0, SIP_S(TRANSACTION) },
		{ 0, SIP_M(OPTIONS), 200, SIP_S(TRANSACTION) },
		{ 1, SIP_M(OPTIONS), 0, SIP_S(TRANSACTION) } }, 33, 0 },
	/* an unanswered INVITE holding its binding for the dialog timeout: a
	 * flood of INVITEs would fill the table for 30 min (Timer B: 32 s)
	 */
	{ "invite_early", { { 0, SIP_M(INVITE), 0, SIP_S(EARLY) } }, 32, 0 },
	/* a ringing call (180 seen) timing out like a transaction, so that a
	 * call answered after a minute of ringing would lose its binding
	 * (Timer C: more than 3 min)
	 */
	{ "invite_ringing", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 180, SIP_S(EARLY) },
		{ 30, SIP_M(PRACK), 0, SIP_S(EARLY) } }, 181, 0 },
	/* a call first seen through its 2xx (the real server started it, or
	 * its INVITE went through another director) pinned for 32 s only
	 */
	{ "answer_first_dialog", {
		{ 0, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 0, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 1800, 0 },
	/* 2xx to the INVITE not confirming the dialog */
	{ "invite_200_dialog", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 180, SIP_S(EARLY) },
		{ 2, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 2, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 1802, 0 },
	/* an in-dialog request after 29 min idle not refreshing the dialog */
	{ "dialog_refreshed", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 1, SIP_M(ACK), 0, SIP_S(DIALOG) },
		{ 1741, SIP_M(INFO), 0, SIP_S(DIALOG) } }, 3541, 0 },
	/* BYE not ending the call, or retransmissions and the 200 to the BYE
	 * keeping the binding alive for ever
	 */
	{ "bye_linger", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 1, SIP_M(ACK), 0, SIP_S(DIALOG) },
		{ 600, SIP_M(BYE), 0, SIP_S(LINGER) },
		{ 601, SIP_M(BYE), 200, SIP_S(LINGER) },
		{ 620, SIP_M(BYE), 0, SIP_S(LINGER) },
		{ 631, SIP_M(BYE), 0, SIP_S(LINGER) } }, 632, 1 },
	/* CANCEL of a ringing INVITE not ending the call */
	{ "cancel_linger", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 180, SIP_S(EARLY) },
		{ 5, SIP_M(CANCEL), 0, SIP_S(LINGER) },
		{ 5, SIP_M(CANCEL), 200, SIP_S(LINGER) },
		{ 6, SIP_M(INVITE), 487, SIP_S(LINGER) },
		{ 6, SIP_M(ACK), 0, SIP_S(LINGER) } }, 37, 1 },
	/* a rejected INVITE keeping its binding for the dialog timeout, or
	 * the ACK / a retransmitted 486 refreshing it
	 */
	{ "invite_486_linger", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 180, SIP_S(EARLY) },
		{ 3, SIP_M(INVITE), 486, SIP_S(LINGER) },
		{ 3, SIP_M(ACK), 0, SIP_S(LINGER) },
		{ 20, SIP_M(INVITE), 486, SIP_S(LINGER) } }, 35, 1 },
	/* BYE in an early dialog not ending it */
	{ "early_bye", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 3, SIP_M(BYE), 0, SIP_S(LINGER) } }, 35, 1 },
	/* a failed re-INVITE (491 glare) ending an established call */
	{ "reinvite_491_dialog", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 1, SIP_M(ACK), 0, SIP_S(DIALOG) },
		{ 600, SIP_M(INVITE), 0, SIP_S(DIALOG) },
		{ 600, SIP_M(INVITE), 491, SIP_S(DIALOG) },
		{ 600, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 2400, 0 },
	/* CANCEL of a re-INVITE ending the established call (RFC 3261 9.1,
	 * 14.1: only the re-INVITE is cancelled, the dialog goes on)
	 */
	{ "reinvite_cancel_dialog", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 1, SIP_M(ACK), 0, SIP_S(DIALOG) },
		{ 600, SIP_M(INVITE), 0, SIP_S(DIALOG) },
		{ 601, SIP_M(CANCEL), 0, SIP_S(DIALOG) },
		{ 601, SIP_M(INVITE), 487, SIP_S(DIALOG) },
		{ 601, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 2401, 0 },
	/* a SUBSCRIBE dialog timing out like a transaction */
	{ "subscribe_dialog", {
		{ 0, SIP_M(SUBSCRIBE), 0, SIP_S(DIALOG) },
		{ 0, SIP_M(SUBSCRIBE), 200, SIP_S(DIALOG) },
		{ 1, SIP_M(NOTIFY), 0, SIP_S(DIALOG) } }, 1801, 0 },
	/* a forked INVITE: one branch rejects (486), another answers: the
	 * call lingering (unpinned after 32 s) although it was answered
	 */
	{ "fork_486_then_200", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 1, SIP_M(INVITE), 486, SIP_S(LINGER) },
		{ 4, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 4, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 1804, 1 },
	/* a 407 challenge answered by an INVITE with credentials (same
	 * Call-ID, RFC 3261 22.2): the call lingering although it goes on
	 */
	{ "challenge_407_retry", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 0, SIP_M(INVITE), 407, SIP_S(LINGER) },
		{ 0, SIP_M(ACK), 0, SIP_S(LINGER) },
		{ 1, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 2, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 2, SIP_M(ACK), 0, SIP_S(DIALOG) } }, 1802, 1 },
	/* the callee answers as the caller cancels (RFC 3261 9.1): the
	 * established call must be pinned until its BYE
	 */
	{ "cancel_crosses_200", {
		{ 0, SIP_M(INVITE), 0, SIP_S(EARLY) },
		{ 5, SIP_M(CANCEL), 0, SIP_S(LINGER) },
		{ 5, SIP_M(INVITE), 200, SIP_S(DIALOG) },
		{ 5, SIP_M(ACK), 0, SIP_S(DIALOG) },
		{ 6, SIP_M(BYE), 0, SIP_S(LINGER) } }, 38, 2 },
};

static void sip_life_desc(const struct sip_life_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip_life, sip_life_cases, sip_life_desc);

/*
 * One call's messages in time: after each one the binding is in the
 * expected state and the call stays on its server; the binding expires at
 * the expected second, not a jiffy before (ip_vs_sip_gc), is counted as
 * expired and no longer counted in nbindings. The bug each call guards
 * against is in the comment of its entry.
 */
static void ip_vs_sip_bind_test_lifecycle(struct kunit *test)
{
	static const char key[] = "a84b4c76e66710@pc33.atlanta.example.com";
	const struct sip_life_case *c = test->param_value;
	struct sip_test_fix *f = test->priv;
	struct ip_vs_dest *d, *first = NULL;
	unsigned long expires = 0;
	struct ip_vs_kaff_stats st;
	unsigned int i;
	u8 state = 0;

	sip_test_svc(test, 3);
	for (i = 0; i < ARRAY_SIZE(c->step) && c->step[i].method; i++) {
		const struct sip_life_step *s = &c->step[i];

		d = sip_test_send(f, key, s->method, s->status, false,
				  s->at * HZ);
		KUNIT_ASSERT_NOT_NULL(test, d);
		if (!first)
			first = d;
		KUNIT_EXPECT_PTR_EQ_MSG(test, d, first, "step %u", i);
		KUNIT_ASSERT_TRUE_MSG(test, sip_test_binding(f, key, &state,
							     &expires),
				      "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, state, c->step[i].state,
				    "step %u", i);
	}
	KUNIT_EXPECT_EQ(test, expires - f->now, (unsigned long)c->end * HZ);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + c->end * HZ), 0U);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + c->end * HZ + 1),
			1U);
	KUNIT_EXPECT_FALSE(test, sip_test_binding(f, key, &state, &expires));
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 1ULL);
	KUNIT_EXPECT_EQ(test, st.hits, (u64)i - 1);
	KUNIT_EXPECT_EQ(test, st.expired, 1ULL);
	KUNIT_EXPECT_EQ(test, st.cls[IP_VS_SIP_C_ENDED], (u64)c->ended);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
}

/*
 * A binding that expired but was not collected yet no longer pins its
 * Call-ID: the next message is placed afresh (here away from its drained
 * server) and reuses the entry. Before expiry the same drained server kept
 * it. Guards against expired bindings still being honoured until the gc
 * runs, or being counted twice.
 */
static void ip_vs_sip_bind_test_expired_reuse(struct kunit *test)
{
	static const char key[] = "expired@192.0.2.1";
	struct sip_test_fix *f = test->priv;
	struct ip_vs_dest *x, *d;
	struct ip_vs_kaff_stats st;
	unsigned long expires;
	u8 state;

	sip_test_svc(test, 3);
	x = sip_test_req(f, key, SIP_M(REGISTER), 0);
	KUNIT_ASSERT_NOT_NULL(test, x);
	atomic_set(&x->weight, 0);	/* drain it */
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);

	KUNIT_EXPECT_PTR_EQ(test, sip_test_req(f, key, SIP_M(REGISTER), 31 * HZ),
			    x);
	/* refreshed to 63 s: gone at 64 s */
	d = sip_test_req(f, key, SIP_M(REGISTER), 64 * HZ);
	KUNIT_EXPECT_NOT_NULL(test, d);
	KUNIT_EXPECT_PTR_NE(test, d, x);
	KUNIT_EXPECT_PTR_EQ(test, d, sip_test_hash(f, key));
	KUNIT_EXPECT_PTR_EQ(test, sip_test_req(f, key, SIP_M(REGISTER), 65 * HZ),
			    d);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 2ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 2ULL);
	KUNIT_EXPECT_EQ(test, st.moved, 0ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
	KUNIT_ASSERT_TRUE(test, sip_test_binding(f, key, &state, &expires));
	KUNIT_EXPECT_EQ(test, state, (u8)SIP_S(TRANSACTION));
	KUNIT_EXPECT_EQ(test, expires - f->now, 97UL * HZ);
}

/*
 * Bindings keep their times in 32 bits of jiffies. A REGISTER binding
 * (transaction timeout) refreshed into a dialog of the longest timeout
 * lives across the wrap of those 32 bits, and a timeout set beyond the
 * longest (a module parameter of ~0) is taken as the longest. Guards
 * against a binding that expires at once, or never, when its expiry or
 * the clock wraps, and against a timeout too long for 32 bits.
 */
static void ip_vs_sip_bind_test_wrap(struct kunit *test)
{
	static const char key[] = "wrap@192.0.2.1";
	const unsigned long longest = IP_VS_KAFF_TIMEOUT_MAX * HZ;
	struct sip_test_fix *f = test->priv;
	unsigned long expires;
	struct ip_vs_dest *x;
	u8 state;

	sip_test_svc(test, 3);
	f->s->conf.timeout[IP_VS_SIP_S_DIALOG] = UINT_MAX;
	/* 10 s before the low 32 bits of the clock wrap */
	f->now = (f->now | 0xffffffffUL) - 10 * HZ;
	x = sip_test_req(f, key, SIP_M(INVITE), 0);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_EXPECT_PTR_EQ(test, sip_test_send(f, key, SIP_M(INVITE), 200,
						false, HZ), x);
	KUNIT_ASSERT_TRUE(test, sip_test_binding(f, key, &state, &expires));
	KUNIT_EXPECT_EQ(test, state, (u8)SIP_S(DIALOG));
	KUNIT_EXPECT_EQ(test, expires - f->now, HZ + longest);

	/* Past the wrap, and again near the end of the longest timeout */
	f->now += 20 * HZ;
	KUNIT_ASSERT_TRUE(test, sip_test_binding(f, key, &state, &expires));
	KUNIT_EXPECT_EQ(test, expires - f->now, longest - 19 * HZ);
	KUNIT_EXPECT_PTR_EQ(test, sip_test_hash(f, key), x);
	atomic_set(&x->weight, 0);	/* drain: only the binding keeps it */
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	KUNIT_EXPECT_PTR_EQ(test, sip_test_req(f, key, SIP_M(INFO),
					       longest - 20 * HZ), x);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).hits, 2ULL);
	/* Idle for the longest timeout: expired, placed afresh */
	KUNIT_EXPECT_PTR_NE(test, sip_test_req(f, key, SIP_M(INFO),
					       2 * longest - 19 * HZ), x);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).created, 2ULL);
}

/* The slot of @key's binding in @t (pinned, under RCU), or NULL. */
static struct ip_vs_kaff_binding *
sip_test_slot(struct ip_vs_kaff_tab *t, const char *key, unsigned int *bi,
	      unsigned int *sj)
{
	struct ip_vs_kaff_binding *b;
	unsigned int i, j;

	for (i = 0; i <= t->mask; i++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = rcu_dereference(t->bkt[i].b[j]);
			if (b && b->len == strlen(key) &&
			    !memcmp(b->key, key, b->len)) {
				*bi = i;
				*sj = j;
				return b;
			}
		}
	}
	return NULL;
}

/* The collector's question: expired at @now? */
static bool sip_test_gone(struct ip_vs_kaff_binding *b, unsigned long now)
{
	return ip_vs_kaff_expired(b, now);
}

/*
 * The collector found a binding expired and, before it removes it, the
 * key's next message revives it (a REGISTER refresh just after the
 * expiry). The removal, decided again under the table lock, keeps the
 * binding. Guards against a binding that vanishes under the message it
 * just scheduled: the key's next message would be placed afresh, for a
 * request a real server sent to another server than the one that waits
 * for the answer.
 */
static void ip_vs_sip_bind_test_gc_revive(struct kunit *test)
{
	static const char key[] = "revive@192.0.2.1";
	const unsigned long now_off = 40 * HZ;	/* past its 32 s */
	struct sip_test_fix *f = test->priv;
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_tab *t;
	unsigned long expires;
	struct ip_vs_dest *x;
	unsigned int i, j;
	bool removed;
	u8 state;

	sip_test_svc(test, 3);
	x = sip_test_req(f, key, SIP_M(REGISTER), 0);
	KUNIT_ASSERT_NOT_NULL(test, x);

	/* A walk of the collector, between its two looks at the binding */
	mutex_lock(&f->s->walk_mutex);
	t = ip_vs_kaff_tab_pin(f->s);
	rcu_read_lock();
	b = sip_test_slot(t, key, &i, &j);
	KUNIT_EXPECT_NOT_NULL(test, b);
	if (b) {
		KUNIT_EXPECT_TRUE(test, sip_test_gone(b, f->now + now_off));
		KUNIT_EXPECT_PTR_EQ(test, sip_test_req(f, key, SIP_M(REGISTER),
						       now_off), x);
		removed = ip_vs_kaff_tab_remove_at(f->s, t, i, j,
						   sip_test_gone,
						   f->now + now_off);
		KUNIT_EXPECT_FALSE(test, removed);
	}
	rcu_read_unlock();
	ip_vs_kaff_tab_unpin(f->s);
	mutex_unlock(&f->s->walk_mutex);

	KUNIT_ASSERT_TRUE(test, sip_test_binding(f, key, &state, &expires));
	KUNIT_EXPECT_EQ(test, expires - f->now, now_off + 32 * HZ);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).created, 2ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
	/* Collected once it expires again */
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + now_off + 33 * HZ),
			1U);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
}

/*
 * max_bindings 4: the 5th and later new Call-IDs are placed by the hash
 * but not bound (refused), the 4 bound ones keep working, nbindings stays
 * at 4; once the gc removed expired ones, new Call-IDs bind again. Guards
 * against unbounded memory under a flood of Call-IDs, against evicting
 * established calls to make room, and against a full table dropping
 * datagrams.
 */
static void ip_vs_sip_bind_test_cap(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	char buf[SIP_TEST_KEYLEN];
	struct ip_vs_kaff_stats st;
	struct ip_vs_dest *d;
	unsigned long expires;
	unsigned int i;
	u8 state;

	sip_test_svc(test, 3);
	f->s->conf.max_bindings = 4;
	for (i = 0; i < 10; i++) {
		sip_test_key(buf, i);
		d = sip_test_req(f, buf, SIP_M(REGISTER), 0);
		KUNIT_EXPECT_NOT_NULL(test, d);
		KUNIT_EXPECT_PTR_EQ(test, d, sip_test_hash(f, buf));
		KUNIT_EXPECT_EQ(test, sip_test_binding(f, buf, &state,
						       &expires), i < 4);
	}
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 4ULL);
	KUNIT_EXPECT_EQ(test, st.refused, 6ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 4U);

	for (i = 0; i < 10; i++)
		sip_test_req(f, sip_test_key(buf, i), SIP_M(REGISTER), HZ);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.hits, 4ULL);
	KUNIT_EXPECT_EQ(test, st.created, 4ULL);
	KUNIT_EXPECT_EQ(test, st.refused, 12ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 4U);

	/* refreshed at 1 s, they expire at 33 s */
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + 34 * HZ), 4U);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
	sip_test_req(f, sip_test_key(buf, 9), SIP_M(REGISTER), 34 * HZ);
	KUNIT_EXPECT_TRUE(test, sip_test_binding(f, buf, &state, &expires));
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 5ULL);
	KUNIT_EXPECT_EQ(test, st.expired, 4ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
}

/*
 * A server is removed from the service: its calls move, on their next
 * message, to where the hash now places them (counted as moved), and then
 * stay there, also when the server comes back; other calls do not move.
 * Guards against sending datagrams to a server no longer in the service
 * (a stale binding), and against moved calls bouncing back.
 */
static void ip_vs_sip_bind_test_dead_server(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	struct sip_tally gone = {}, stay = {}, back = {};
	const unsigned int keys = 400;
	char buf[SIP_TEST_KEYLEN];
	unsigned int i, on_x = 0;
	struct ip_vs_kaff_stats st;
	struct ip_vs_dest *x, *d;
	u8 *bound, *moved;

	bound = kunit_kzalloc(test, keys, GFP_KERNEL);
	moved = kunit_kzalloc(test, keys, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bound);
	KUNIT_ASSERT_NOT_NULL(test, moved);
	sip_test_svc(test, 4);
	x = list_first_entry(&f->list, struct ip_vs_dest, n_list);
	for (i = 0; i < keys; i++) {
		d = sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE), 0);
		bound[i] = sip_test_idx(d);
		on_x += d == x;
	}
	KUNIT_ASSERT_GT(test, on_x, 0U);

	list_del(&x->n_list);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	for (i = 0; i < keys; i++) {
		sip_test_key(buf, i);
		d = sip_test_req(f, buf, SIP_M(ACK), HZ);
		KUNIT_ASSERT_NOT_NULL(test, d);
		if (bound[i] == sip_test_idx(x))
			sip_check(&gone, d != x && d == sip_test_hash(f, buf),
				  i);
		else
			sip_check(&stay, sip_test_idx(d) == bound[i], i);
		moved[i] = sip_test_idx(d);
	}
	KUNIT_EXPECT_EQ_MSG(test, gone.bad, 0U,
			    "not moved to the hash's choice: key %u",
			    gone.first);
	KUNIT_EXPECT_EQ_MSG(test, stay.bad, 0U, "moved: key %u", stay.first);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.moved, (u64)on_x);

	/* the server comes back: moved calls stay where they are */
	list_add_tail(&x->n_list, &f->list);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	for (i = 0; i < keys; i++) {
		d = sip_test_req(f, sip_test_key(buf, i), SIP_M(ACK), 2 * HZ);
		sip_check(&back, sip_test_idx(d) == moved[i], i);
	}
	KUNIT_EXPECT_EQ_MSG(test, back.bad, 0U, "moved again: key %u",
			    back.first);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.moved, (u64)on_x);
	KUNIT_EXPECT_EQ(test, st.created, (u64)keys);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), keys);
}

/*
 * A bound server is quiesced (weight 0): without IP_VS_SVC_F_SIP_MOVE_
 * QUIESCED its calls stay (drain), new Call-IDs avoid it; with it, its
 * calls move and stay moved when it comes back. An overloaded server keeps
 * its calls even then. Guards against draining breaking calls, against new
 * calls reaching a draining server, and against the move flag being
 * ignored.
 */
static void ip_vs_sip_bind_test_drain(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	struct sip_tally t[6] = {};
	const unsigned int keys = 300;
	char buf[SIP_TEST_KEYLEN];
	unsigned int i, on_x = 0, on_y = 0;
	struct ip_vs_dest *x, *y, *d;
	struct ip_vs_kaff_stats st;
	u8 *bound;

	bound = kunit_kzalloc(test, keys, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bound);
	sip_test_svc(test, 3);
	x = list_first_entry(&f->list, struct ip_vs_dest, n_list);
	y = list_last_entry(&f->list, struct ip_vs_dest, n_list);
	for (i = 0; i < keys; i++) {
		d = sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE), 0);
		bound[i] = sip_test_idx(d);
		on_x += d == x;
		on_y += d == y;
	}
	KUNIT_ASSERT_GT(test, on_x, 0U);
	KUNIT_ASSERT_GT(test, on_y, 0U);

	/* x drains: its calls stay, new ones avoid it */
	atomic_set(&x->weight, 0);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	for (i = 0; i < keys; i++) {
		d = sip_test_send(f, sip_test_key(buf, i), SIP_M(ACK), 0,
				  false, HZ);
		sip_check(&t[0], sip_test_idx(d) == bound[i], i);
	}
	for (i = keys; i < 2 * keys; i++) {
		d = sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE), HZ);
		sip_check(&t[1], d && d != x, i);
	}
	KUNIT_EXPECT_EQ_MSG(test, t[0].bad, 0U, "drain moved key %u",
			    t[0].first);
	KUNIT_EXPECT_EQ_MSG(test, t[1].bad, 0U, "new key %u on x", t[1].first);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).moved, 0ULL);

	/* move them now */
	for (i = 0; i < keys; i++) {
		d = sip_test_send(f, sip_test_key(buf, i), SIP_M(ACK), 0, true,
				  2 * HZ);
		if (bound[i] == sip_test_idx(x))
			sip_check(&t[2], d && d != x, i);
		else
			sip_check(&t[3], sip_test_idx(d) == bound[i], i);
		bound[i] = sip_test_idx(d);
	}
	KUNIT_EXPECT_EQ_MSG(test, t[2].bad, 0U, "key %u not moved off x",
			    t[2].first);
	KUNIT_EXPECT_EQ_MSG(test, t[3].bad, 0U, "key %u moved", t[3].first);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).moved, (u64)on_x);

	/* x back, y overloaded: nothing moves, new calls avoid y */
	atomic_set(&x->weight, 1);
	y->flags |= IP_VS_DEST_F_OVERLOAD;
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	for (i = 0; i < keys; i++) {
		d = sip_test_send(f, sip_test_key(buf, i), SIP_M(ACK), 0, true,
				  3 * HZ);
		sip_check(&t[4], sip_test_idx(d) == bound[i], i);
	}
	for (i = 2 * keys; i < 3 * keys; i++) {
		d = sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE),
				 3 * HZ);
		sip_check(&t[5], d && d != y, i);
	}
	KUNIT_EXPECT_EQ_MSG(test, t[4].bad, 0U, "key %u moved", t[4].first);
	KUNIT_EXPECT_EQ_MSG(test, t[5].bad, 0U, "new key %u on y", t[5].first);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.moved, (u64)on_x);
	KUNIT_EXPECT_EQ(test, st.created, 3ULL * keys);
}

/*
 * No usable server: no server and no binding (a call must not be pinned to
 * nothing, nor memory spent on it); an empty service too. Guards against
 * binding before knowing there is a server.
 */
static void ip_vs_sip_bind_test_none(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	struct ip_vs_dest *d;

	sip_test_svc(test, 2);
	list_for_each_entry(d, &f->list, n_list)
		atomic_set(&d->weight, 0);
	KUNIT_EXPECT_NULL(test, sip_test_req(f, "a@b", SIP_M(INVITE), 0));
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);

	INIT_LIST_HEAD(&f->list);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	KUNIT_EXPECT_NULL(test, sip_test_req(f, "a@b", SIP_M(INVITE), 0));
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).created, 0ULL);
}

static unsigned int sip_test_buckets(struct sip_test_fix *f)
{
	unsigned int n;

	rcu_read_lock();
	n = ip_vs_kaff_tab_buckets(rcu_dereference(f->s->bindings));
	rcu_read_unlock();
	return n;
}

/*
 * The binding table follows the count both ways (ip_vs_kaff_tab.c): 20,000
 * Call-IDs bound, past the size a table grows to inline, with the resizes
 * it asks for run in between (as the workqueue would, and may as well),
 * are all found again on their servers; flushed, the table shrinks back to
 * its smallest size (by the resize the flush queues itself) and binds
 * again. Guards against a resize that loses or duplicates bindings, spill
 * counts a lookup stops short on, growth that stops at the inline limit
 * (new Call-IDs refused once it is full), and a table that never shrinks.
 */
static void ip_vs_sip_bind_test_resize(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	char buf[SIP_TEST_KEYLEN];
	struct ip_vs_kaff_stats st;
	struct sip_tally tally = {};
	struct ip_vs_dest *d;
	unsigned int i, small;

	sip_test_svc(test, 3);
	small = sip_test_buckets(f);
	for (i = 0; i < 20000; i++) {
		sip_test_req(f, sip_test_key(buf, i), SIP_M(REGISTER), 0);
		if (i % 1000 == 999)
			ip_vs_kaff_tab_resize(f->s);
	}
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 20000ULL);
	KUNIT_EXPECT_EQ(test, st.refused, 0ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 20000U);
	/* 5 slots a bucket, at most five eighths of them in use, and twice
	 * the size at most that this needs (a resize doubles)
	 */
	KUNIT_EXPECT_GE(test, sip_test_buckets(f) * 5 / 8 * 5, 20000U);
	KUNIT_EXPECT_LT(test, sip_test_buckets(f) * 5 / 16 * 5, 20000U);
	kunit_info(test, "20000 bindings: %u buckets (from %u)\n",
		   sip_test_buckets(f), small);

	for (i = 0; i < 20000; i++) {
		sip_test_key(buf, i);
		d = sip_test_req(f, buf, SIP_M(REGISTER), HZ);
		sip_check(&tally, d == sip_test_hash(f, buf), i);
	}
	KUNIT_EXPECT_EQ_MSG(test, tally.bad, 0U, "moved: key %u", tally.first);
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.hits, 20000ULL);
	KUNIT_EXPECT_EQ(test, st.created, 20000ULL);

	/* The flush's walk asks for the shrink itself (on unpin). */
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_flush(f->s), 20000U);
	flush_work(&f->s->resize_work);
	KUNIT_EXPECT_EQ(test, sip_test_buckets(f), small);
	sip_test_req(f, sip_test_key(buf, 3), SIP_M(INVITE), 2 * HZ);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_flush(f->s), 1U);
}

/*
 * ip_vs_sip_flush removes every binding: nbindings back to 0, the next
 * message of a Call-ID creates a new binding. Guards against flush
 * missing entries or not maintaining nbindings (the cap would refuse new
 * calls for ever).
 */
static void ip_vs_sip_bind_test_flush(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	char buf[SIP_TEST_KEYLEN];
	unsigned long expires;
	unsigned int i;
	u8 state;

	sip_test_svc(test, 3);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_flush(f->s), 0U);
	for (i = 0; i < 2000; i++)
		sip_test_req(f, sip_test_key(buf, i), SIP_M(INVITE), 0);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 2000U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_flush(f->s), 2000U);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
	KUNIT_EXPECT_FALSE(test, sip_test_binding(f, sip_test_key(buf, 7),
						  &state, &expires));
	sip_test_req(f, buf, SIP_M(ACK), HZ);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).created, 2001ULL);
	KUNIT_EXPECT_EQ(test, sip_test_stats(f).expired, 0ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 1U);
}

/*
 * A Call-ID of exactly IP_VS_SIP_CALLID_MAX bytes binds and is found
 * again; Call-IDs differing only in their last byte, or one byte shorter,
 * are other bindings. Guards against an off-by-one in the length limit and
 * against truncated keys merging calls.
 */
static void ip_vs_sip_bind_test_max_key(struct kunit *test)
{
	const size_t max = IP_VS_SIP_CALLID_MAX;
	struct sip_test_fix *f = test->priv;
	struct ip_vs_kaff_stats st;
	unsigned long expires;
	char *a, *b, *c;
	unsigned int i;
	u8 state;

	/* a: max bytes; b: a with another last byte; c: a without it */
	a = kunit_kzalloc(test, max + 1, GFP_KERNEL);
	b = kunit_kzalloc(test, max + 1, GFP_KERNEL);
	c = kunit_kzalloc(test, max, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < max; i++)
		a[i] = 'a' + i % 26;
	memcpy(b, a, max);
	b[max - 1] = '@';
	memcpy(c, a, max - 1);
	KUNIT_ASSERT_EQ(test, strlen(a), max);

	sip_test_svc(test, 3);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_NOT_NULL(test, sip_test_req(f, a, SIP_M(INVITE), i));
		KUNIT_EXPECT_NOT_NULL(test, sip_test_req(f, b, SIP_M(INVITE), i));
		KUNIT_EXPECT_NOT_NULL(test, sip_test_req(f, c, SIP_M(INVITE), i));
	}
	st = sip_test_stats(f);
	KUNIT_EXPECT_EQ(test, st.created, 3ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 3ULL);
	KUNIT_EXPECT_EQ(test, st.refused, 0ULL);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 3U);
	KUNIT_EXPECT_TRUE(test, sip_test_binding(f, a, &state, &expires));
	KUNIT_EXPECT_EQ(test, state, (u8)SIP_S(EARLY));
}

/*
 * The gc skips its walk while no binding can have expired, and a binding
 * whose expiry moves earlier (BYE: dialog to linger) lowers that bound at
 * once. Guards against the walk being skipped past an expiry
 * (ip_vs_sip_gc_lower()).
 */
static void ip_vs_sip_bind_test_gc_skip(struct kunit *test)
{
	struct sip_test_fix *f = test->priv;
	const struct ip_vs_kaff_conf *c;
	unsigned long bye, end;

	sip_test_svc(test, 3);
	c = &f->s->conf;
	sip_test_req(f, "gc-skip", SIP_M(INVITE), 0);
	sip_test_send(f, "gc-skip", SIP_M(INVITE), 200, false, HZ);
	/* A walk: the dialog lives on, the next walk is due within 64 s. */
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now +
				     (c->timeout[IP_VS_SIP_S_TRANSACTION] + 1) * HZ), 0U);
	bye = (c->timeout[IP_VS_SIP_S_TRANSACTION] + 2) * HZ;
	sip_test_req(f, "gc-skip", SIP_M(BYE), bye);
	end = f->now + bye + (unsigned long)c->timeout[IP_VS_SIP_S_LINGER] * HZ;
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, end), 0U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, end + 1), 1U);
	KUNIT_EXPECT_EQ(test, sip_test_nbindings(f), 0U);
}

static struct kunit_case ip_vs_sip_bind_test_cases[] = {
	KUNIT_CASE(ip_vs_sip_bind_test_same),
	KUNIT_CASE(ip_vs_sip_bind_test_sticky),
	KUNIT_CASE(ip_vs_sip_bind_test_reseed),
	KUNIT_CASE_PARAM(ip_vs_sip_bind_test_lifecycle, sip_life_gen_params),
	KUNIT_CASE(ip_vs_sip_bind_test_expired_reuse),
	KUNIT_CASE(ip_vs_sip_bind_test_wrap),
	KUNIT_CASE(ip_vs_sip_bind_test_gc_revive),
	KUNIT_CASE(ip_vs_sip_bind_test_cap),
	KUNIT_CASE(ip_vs_sip_bind_test_dead_server),
	KUNIT_CASE(ip_vs_sip_bind_test_drain),
	KUNIT_CASE(ip_vs_sip_bind_test_none),
	KUNIT_CASE(ip_vs_sip_bind_test_flush),
	KUNIT_CASE(ip_vs_sip_bind_test_resize),
	KUNIT_CASE(ip_vs_sip_bind_test_gc_skip),
	KUNIT_CASE(ip_vs_sip_bind_test_max_key),
	{}
};

static struct kunit_suite ip_vs_sip_bind_test_suite = {
	.name = "ip_vs_sip_bind",
	.init = sip_test_init,
	.exit = sip_test_exit,
	.test_cases = ip_vs_sip_bind_test_cases,
};

kunit_test_suites(&ip_vs_sip_maglev_test_suite, &ip_vs_sip_bind_test_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS sip scheduler's placement and bindings");
MODULE_LICENSE("GPL");
