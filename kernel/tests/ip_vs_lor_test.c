// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the IPVS "lor" scheduler's choice, ip_vs_lor_pick(),
 * over fake real servers whose outstanding requests are recorded in a real
 * "reply" engine table (ip_vs_pe_reply_record()), so that the scheduler
 * reads the counts the way it does in production.
 *
 * Each lor_pick_test case is a table row: servers (weight, overloaded,
 * outstanding requests, wlc connection counts), the tie break's cursor,
 * whether the service uses the reply engine, the index of the server that
 * must be chosen and the cursor's pass afterwards. lor_share_test runs many
 * picks against weight vectors under several kinds of traffic and checks
 * the shares; lor_history_test checks that the choices depend on the final
 * set of servers only, not on the history that built the list.
 *
 * The comment above each row and case names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_lor.h"
#include "compat.h"

#define LOR_MAX		6
#define NONE		-1

struct lor_srv {
	int	weight;
	bool	overloaded;
	int	outstanding;	/* requests recorded without reply */
	int	active;		/* wlc overhead: activeconns */
	int	total;		/* wlc overhead: totalconns */
};

/* Server i is 10.0.2.(11 + i):53; the cursor names a host byte (0: none). */
struct lor_case {
	const char	*name;
	unsigned int	n;
	struct lor_srv	srv[LOR_MAX];
	bool		no_engine;	/* wlc overhead */
	u8		cur_host;	/* cursor at 10.0.2.cur_host:53 */
	u32		cur_cw;
	int		want;		/* index, or NONE */
	u32		want_cw;	/* the cursor's pass afterwards */
};

static const struct lor_case lor_cases[] = {
	/* The server with the fewest outstanding requests wins. */
	{ "least outstanding", 3,
	  { { 1, false, 4 }, { 1, false, 1 }, { 1, false, 2 } }, false, 12, 1,
	  1, 1 },
	/* First pick: a new round, from the heaviest, lowest address. */
	{ "first pick", 3, { { 1 }, { 3 }, { 3 } }, false, 0, 0, 1, 3 },
	/* Idle, equal weights: the next address after the cursor. */
	{ "idle next", 3, { { 1 }, { 1 }, { 1 } }, false, 11, 1, 1, 1 },
	/* After the last server of the last pass: a new round. */
	{ "idle new round", 3, { { 1 }, { 1 }, { 1 } }, false, 13, 1, 0, 1 },
	/*
	 * Equal counts, different weights: no "+1", so a tie, and the light
	 * server's turn in the pass at weight 1 (the old rule gave every
	 * request to the heavy one).
	 */
	{ "idle light turn", 2, { { 3 }, { 1 } }, false, 11, 1, 1, 1 },
	/* Counts in proportion to the weights (3/3 = 1/1): a tie too. */
	{ "proportional counts tie", 3,
	  { { 3, false, 3 }, { 1, false, 1 }, { 1, false, 1 } }, false, 12, 1,
	  2, 1 },
	/* Pass at weight 3 after A: nobody else, next pass (2) from A. */
	{ "next pass", 3, { { 3 }, { 1 }, { 1 } }, false, 11, 3, 0, 2 },
	/* Pass at weight 2: only A qualifies; next pass (1) from A. */
	{ "pass skips lighter", 3, { { 3 }, { 1 }, { 1 } }, false, 11, 2, 0,
	  1 },
	/* The cursor's server (10.0.2.10) is gone: the next address. */
	{ "cursor server gone", 3, { { 1 }, { 1 }, { 1 } }, false, 10, 1, 0,
	  1 },
	/* The cursor's pass is above every weight left: a new round. */
	{ "pass above weights", 2, { { 2 }, { 1 } }, false, 11, 7, 0, 2 },
	/* Tie between two of three: the loaded one is not in the pass. */
	{ "tie skips loaded", 3,
	  { { 1, false, 0 }, { 1, false, 3 }, { 1, false, 0 } }, false, 11, 1,
	  2, 1 },
	/* Equal counts, the heavier is less loaded: 2/4 < 2/1. */
	{ "weighted", 2, { { 1, false, 2 }, { 4, false, 2 } }, false, 0, 0, 1,
	  4 },
	/* 3/3 = 1 > 0/1 = 0: the light idle server. */
	{ "no plus one", 2, { { 3, false, 3 }, { 1, false, 0 } }, false, 0, 0,
	  1, 1 },
	/* 4/4 = 1/1: a tie, the pass decides (weight 4 >= 3, after A). */
	{ "weighted tie", 2, { { 1, false, 1 }, { 4, false, 4 } }, false, 11, 3,
	  1, 3 },
	/* Weight 0 (quiesced) gets nothing even when idle. */
	{ "quiesced skipped", 2, { { 0, false, 0 }, { 1, false, 9 } }, false,
	  0, 0, 1, 1 },
	/* Overloaded servers (upper threshold) get nothing. */
	{ "overloaded skipped", 2, { { 1, true, 0 }, { 1, false, 9 } }, false,
	  0, 0, 1, 1 },
	/* Nobody usable: NULL, so that IPVS reports it and drops. */
	{ "none usable", 2, { { 0 }, { 1, true } }, false, 11, 1, NONE, 1 },
	/* A dead server piles up outstanding requests and is avoided. */
	{ "dead server avoided", 3,
	  { { 1, false, 40 }, { 1, false, 1 }, { 1, false, 2 } }, false, 0, 0,
	  1, 1 },
	/* Without the engine: wlc overhead, active * 256 + total. */
	{ "wlc overhead", 3,
	  { { 1, false, 0, 1, 1 }, { 1, false, 0, 0, 200 },
	    { 1, false, 0, 0, 255 } }, true, 0, 0, 1, 1 },
	/* ... outstanding counts of the table are not used then. */
	{ "wlc ignores table", 2,
	  { { 1, false, 9, 0, 0 }, { 1, false, 0, 0, 1 } }, true, 0, 0, 0, 1 },
	/* ... weighted: 257/2 < 200/1. */
	{ "wlc weighted", 2, { { 1, false, 0, 0, 200 }, { 2, false, 0, 1, 1 } },
	  true, 0, 0, 1, 2 },
	/* ... idle (-o: no entries): the weighted round robin. */
	{ "wlc idle tie", 3, { { 2 }, { 1 }, { 1 } }, true, 12, 1, 2, 1 },
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

static void lor_cursor_at(struct ip_vs_lor_cursor *c, u8 host, u32 cw)
{
	memset(c, 0, sizeof(*c));
	if (!host)
		return;
	c->af = AF_INET;
	c->addr.ip = htonl(0x0a000200 + host);
	c->port = htons(53);
	c->cw = cw;
}

static void lor_pick_test(struct kunit *test)
{
	const struct lor_case *c = test->param_value;
	struct lor_fix *f = test->priv;
	struct ip_vs_lor_cursor cur, before;
	struct ip_vs_dest *got;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		lor_add(test, i, &c->srv[i]);
	lor_cursor_at(&cur, c->cur_host, c->cur_cw);
	before = cur;
	rcu_read_lock();
	got = ip_vs_lor_pick(&f->list, c->no_engine ? NULL : f->pn, &cur);
	rcu_read_unlock();
	if (c->want == NONE) {
		KUNIT_EXPECT_NULL(test, got);
		/* Nothing picked: the cursor stays where it was. */
		KUNIT_EXPECT_EQ(test, memcmp(&cur, &before, sizeof(cur)), 0);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, got, f->dests[c->want]);
	/* The cursor moves to the server picked. */
	KUNIT_EXPECT_EQ(test, cur.af, (u16)AF_INET);
	KUNIT_EXPECT_EQ(test, ntohl(cur.addr.ip), 0x0a00020bU + c->want);
	KUNIT_EXPECT_EQ(test, cur.cw, c->want_cw);
}

/* Weight vectors for the share cases. */
static const struct {
	unsigned int	n;
	int		w[LOR_MAX];
} lor_share_weights[] = {
	{ 3, { 3, 1, 1 } },
	{ 3, { 1, 1, 1 } },
	{ 3, { 4, 3, 2 } },
	{ 4, { 5, 0, 2, 1 } },		/* the quiesced one gets nothing */
	{ 2, { 1, 100 } },
	{ 6, { 2, 7, 3, 1, 1, 9 } },
};

enum lor_traffic {
	LOR_IDLE,	/* counts stay 0: DR, or nothing answered yet */
	LOR_ANSWERED,	/* each request answered before the next (light load) */
	LOR_PILING,	/* no request answered (all still in flight) */
	LOR_NO_ENGINE,	/* wlc overhead, one-packet scheduling: all 0 */
	LOR_TRAFFICS
};

static const char * const lor_traffic_names[LOR_TRAFFICS] = {
	"idle", "answered", "piling up", "no engine",
};

/* Parameter i: weight vector i / LOR_TRAFFICS, traffic i % LOR_TRAFFICS. */
static const u8 lor_share_params[ARRAY_SIZE(lor_share_weights) *
				 LOR_TRAFFICS];

static void lor_share_desc(const u8 *p, char *desc)
{
	unsigned int i = p - lor_share_params, j, len;

	len = scnprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
			lor_traffic_names[i % LOR_TRAFFICS]);
	for (j = 0; j < lor_share_weights[i / LOR_TRAFFICS].n; j++)
		len += scnprintf(desc + len, KUNIT_PARAM_DESC_SIZE - len,
				 "%c%d", j ? ':' : ' ',
				 lor_share_weights[i / LOR_TRAFFICS].w[j]);
}

/*
 * KUNIT_ARRAY_PARAM() rather than a generator of our own: the generator's
 * prototype gained a struct kunit * in 6.18, the macro follows it.
 */
KUNIT_ARRAY_PARAM(lor_share, lor_share_params, lor_share_desc);

/* Request @seq to server @d: recorded by the engine, answered or not. */
static void lor_request(struct kunit *test, struct ip_vs_dest *d,
			unsigned int seq, bool answer)
{
	struct lor_fix *f = test->priv;
	struct ip_vs_pe_reply_reqinfo info;
	enum ip_vs_pe_reply_verdict v = IP_VS_PE_REPLY_ANSWER;
	enum ip_vs_pe_reply_record_res res;
	union nf_inet_addr vaddr;
	__be16 vport;

	memset(&info, 0, sizeof(info));
	info.key.af = AF_INET;
	info.key.caddr.ip = htonl(0x0a000102);
	info.key.cport = htons(10000 + seq);
	info.key.raddr = d->addr;
	info.key.rport = d->port;
	info.key.kind = IP_VS_PE_REPLY_K_ADDR;
	info.vaddr.ip = htonl(0x0a006401);
	info.vport = htons(53);
	rcu_read_lock();
	res = ip_vs_pe_reply_record(f->pn, &info, 0);
	if (answer)
		v = ip_vs_pe_reply_match(f->pn, &info.key, NULL, 0, 0, &vaddr,
					 &vport);
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, res, IP_VS_PE_REPLY_RECORDED);
	KUNIT_ASSERT_EQ(test, v, IP_VS_PE_REPLY_ANSWER);
}

/*
 * Many requests, equal counts or counts that follow the picks: every server
 * gets its weight's share. With counts that stay equal a whole number of
 * rounds gives the exact shares; with counts piling up least outstanding
 * keeps every server within one round of its share. Catches the heaviest
 * server taking everything when the counts do not differ (DR, light load).
 */
static void lor_share_test(struct kunit *test)
{
	const u8 *param = test->param_value;
	unsigned int idx = param - lor_share_params;
	enum lor_traffic traffic = idx % LOR_TRAFFICS;
	const int *wt = lor_share_weights[idx / LOR_TRAFFICS].w;
	unsigned int n = lor_share_weights[idx / LOR_TRAFFICS].n;
	unsigned int hits[LOR_MAX] = { 0 }, i, j, picks;
	struct lor_fix *f = test->priv;
	struct ip_vs_pe_reply_net *pn = f->pn;
	struct ip_vs_lor_cursor cur = {};
	struct lor_srv srv = {};
	struct ip_vs_dest *got;
	int total = 0, maxw = 0;

	for (i = 0; i < n; i++) {
		srv.weight = wt[i];
		lor_add(test, i, &srv);
		total += wt[i];
		maxw = max(maxw, wt[i]);
	}
	if (traffic == LOR_NO_ENGINE)
		pn = NULL;
	/* 40 rounds, fewer for big weights (the engine's cap is 1000). */
	picks = min(40 * total, 900 / total * total);
	for (i = 0; i < picks; i++) {
		rcu_read_lock();
		got = ip_vs_lor_pick(&f->list, pn, &cur);
		rcu_read_unlock();
		KUNIT_ASSERT_NOT_NULL(test, got);
		if (traffic == LOR_ANSWERED || traffic == LOR_PILING)
			lor_request(test, got, i, traffic == LOR_ANSWERED);
		for (j = 0; j < n; j++)
			hits[j] += got == f->dests[j];
	}
	for (j = 0; j < n; j++) {
		int want = picks / total * wt[j];

		if (traffic == LOR_PILING)
			KUNIT_EXPECT_LE_MSG(test, abs((int)hits[j] - want), maxw,
					    "server %u: %u of %u, want %d", j,
					    hits[j], picks, want);
		else
			KUNIT_EXPECT_EQ_MSG(test, (int)hits[j], want,
					    "server %u: %u of %u", j, hits[j],
					    picks);
	}
}

/*
 * The first round of 3:1:1 is A A A B C: the passes of ip_vs_wrr.c, in
 * address order, starting with the heaviest.
 */
static void lor_round_order_test(struct kunit *test)
{
	static const int want[] = { 0, 0, 0, 1, 2, 0, 0, 0, 1, 2 };
	static const int weights[] = { 3, 1, 1 };
	struct lor_fix *f = test->priv;
	struct ip_vs_lor_cursor cur = {};
	struct lor_srv srv = {};
	struct ip_vs_dest *got;
	unsigned int i;

	/* Added in reverse: the list order must not matter. */
	for (i = 3; i-- > 0;) {
		srv.weight = weights[i];
		lor_add(test, i, &srv);
	}
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		got = ip_vs_lor_pick(&f->list, f->pn, &cur);
		KUNIT_EXPECT_PTR_EQ_MSG(test, got, f->dests[want[i]],
					"pick %u", i);
	}
	rcu_read_unlock();
}

/* History property: servers drawn from a pool of IPv4 and IPv6 keys. */
#define LOR_POOL	8
#define LOR_ROUNDS	60
#define LOR_PICKS	64

struct lor_director {
	struct list_head	list;
	struct ip_vs_dest	dests[LOR_POOL];
	bool			in[LOR_POOL];
};

struct lor_final {
	bool	in[LOR_POOL];
	int	weight[LOR_POOL];
	bool	overloaded[LOR_POOL];
	int	total[LOR_POOL];	/* wlc overhead */
};

static void lor_pool_key(struct ip_vs_dest *d, unsigned int k)
{
	memset(d, 0, sizeof(*d));
	INIT_LIST_HEAD(&d->n_list);
	if (k & 1) {
		d->af = AF_INET6;
		d->addr.in6.s6_addr32[0] = htonl(0xfd000002);
		d->addr.in6.s6_addr32[3] = htonl(0x10 + k / 3);
	} else {
		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000200 + 11 + k / 3);
	}
	d->port = htons(k % 3 == 2 ? 5353 : 53);
}

/* Insert @d at a random place of @l (IPVS adds at the head). */
static void lor_insert(struct rnd_state *rs, struct list_head *l,
		       struct ip_vs_dest *d)
{
	struct list_head *pos = l;
	u32 steps = prandom_u32_state(rs) % (LOR_POOL + 1);

	while (steps-- && pos->next != l)
		pos = pos->next;
	list_add(&d->n_list, pos);
}

static void lor_set(struct ip_vs_dest *d, int weight, bool overloaded,
		    int total)
{
	atomic_set(&d->weight, weight);
	atomic_set(&d->totalconns, total);
	d->flags = overloaded ? IP_VS_DEST_F_OVERLOAD : 0;
}

/* A random history of additions, removals and changes, then @fin. */
static void lor_history(struct rnd_state *rs, struct lor_director *dir,
			const struct lor_final *fin)
{
	unsigned int ops = prandom_u32_state(rs) % 30, k, i, j;
	unsigned int order[LOR_POOL];

	INIT_LIST_HEAD(&dir->list);
	for (k = 0; k < LOR_POOL; k++) {
		lor_pool_key(&dir->dests[k], k);
		dir->in[k] = false;
	}
	while (ops--) {
		k = prandom_u32_state(rs) % LOR_POOL;
		if (!dir->in[k]) {
			lor_set(&dir->dests[k], prandom_u32_state(rs) % 5,
				false, prandom_u32_state(rs) % 3);
			lor_insert(rs, &dir->list, &dir->dests[k]);
			dir->in[k] = true;
		} else if (prandom_u32_state(rs) % 2) {
			list_del(&dir->dests[k].n_list);
			dir->in[k] = false;
		} else {
			lor_set(&dir->dests[k], prandom_u32_state(rs) % 5,
				prandom_u32_state(rs) % 4 == 0,
				prandom_u32_state(rs) % 3);
		}
	}
	/* Converge on the final set, in a random order. */
	for (k = 0; k < LOR_POOL; k++)
		order[k] = k;
	for (k = LOR_POOL - 1; k > 0; k--) {
		j = prandom_u32_state(rs) % (k + 1);
		swap(order[k], order[j]);
	}
	for (i = 0; i < LOR_POOL; i++) {
		k = order[i];
		if (dir->in[k] && !fin->in[k]) {
			list_del(&dir->dests[k].n_list);
			dir->in[k] = false;
		} else if (!dir->in[k] && fin->in[k]) {
			lor_insert(rs, &dir->list, &dir->dests[k]);
			dir->in[k] = true;
		}
		lor_set(&dir->dests[k], fin->weight[k], fin->overloaded[k],
			fin->total[k]);
	}
}

static bool lor_same_key(const struct ip_vs_dest *a, const struct ip_vs_dest *b)
{
	if (!a || !b)
		return a == b;
	return a->af == b->af && a->port == b->port &&
	       ip_vs_addr_equal(a->af, &a->addr, &b->addr);
}

/* The two lists hold the same keys in the same order. */
static bool lor_same_order(struct lor_director *a, struct lor_director *b)
{
	struct list_head *pa = a->list.next, *pb = b->list.next;

	for (; pa != &a->list && pb != &b->list; pa = pa->next, pb = pb->next)
		if (!lor_same_key(list_entry(pa, struct ip_vs_dest, n_list),
				  list_entry(pb, struct ip_vs_dest, n_list)))
			return false;
	return pa == &a->list && pb == &b->list;
}

/*
 * Two directors whose histories end with the same servers, weights and
 * loads make the same choices from the same cursor, pick by pick: the tie
 * break depends on the final set only, not on the list order the history
 * left. With the engine (no requests recorded: every count 0) and with the
 * wlc overhead (random, so that there are ties and non-ties). Catches a
 * tie break by list position or insertion order.
 */
static void lor_history_test(struct kunit *test)
{
	struct lor_fix *f = test->priv;
	struct lor_director *a, *b;
	struct ip_vs_lor_cursor ca, cb;
	struct ip_vs_dest *da, *db;
	struct lor_final fin;
	struct rnd_state rs;
	unsigned int r, k, i, diff = 0, picked = 0, reordered = 0;
	bool engine;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	prandom_seed_state(&rs, 0x6c6f72);	/* "lor" */
	for (r = 0; r < LOR_ROUNDS; r++) {
		for (k = 0; k < LOR_POOL; k++) {
			fin.in[k] = prandom_u32_state(&rs) % 3 != 0;
			fin.weight[k] = prandom_u32_state(&rs) % 5;
			fin.overloaded[k] = prandom_u32_state(&rs) % 8 == 0;
			fin.total[k] = prandom_u32_state(&rs) % 2;
		}
		lor_history(&rs, a, &fin);
		lor_history(&rs, b, &fin);
		reordered += !lor_same_order(a, b);
		engine = r % 2;
		memset(&ca, 0, sizeof(ca));
		memset(&cb, 0, sizeof(cb));
		rcu_read_lock();
		for (i = 0; i < LOR_PICKS; i++) {
			da = ip_vs_lor_pick(&a->list, engine ? f->pn : NULL,
					    &ca);
			db = ip_vs_lor_pick(&b->list, engine ? f->pn : NULL,
					    &cb);
			picked += !!da;
			if (!lor_same_key(da, db) ||
			    memcmp(&ca, &cb, sizeof(ca)))
				diff++;
		}
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, diff, 0);
	/* The histories did leave servers to pick from, in other orders. */
	KUNIT_EXPECT_GT(test, picked, LOR_ROUNDS * LOR_PICKS / 2);
	KUNIT_EXPECT_GT(test, reordered, LOR_ROUNDS / 2);
}

/* An empty service picks nothing. */
static void lor_empty_test(struct kunit *test)
{
	struct lor_fix *f = test->priv;
	struct ip_vs_lor_cursor cur = {};

	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ip_vs_lor_pick(&f->list, f->pn, &cur));
	rcu_read_unlock();
}

static struct kunit_case lor_test_cases[] = {
	KUNIT_CASE_PARAM(lor_pick_test, lor_gen_params),
	KUNIT_CASE_PARAM(lor_share_test, lor_share_gen_params),
	KUNIT_CASE(lor_round_order_test),
	KUNIT_CASE(lor_history_test),
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

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS lor scheduler");
MODULE_LICENSE("GPL");
