// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the IPVS "radius" scheduler's placement
 * (ip_vs_radius_place()) and State learning (ip_vs_radius_learn()) on the
 * keyed-affinity core, with fake real servers and a clock of our own.
 *
 * Messages are built as bytes and parsed by ip_vs_radius_parse(), as the
 * scheduler does. Each case names the behaviour it pins: the rounds of one
 * login stay on one server, a learned State beats the key, a State is only
 * ever bound by the server that issued it, a flood of made-up States or
 * keys at the cap leaves an ongoing login where it is, drain and move of
 * quiesced servers, accounting sessions, stateless services, and every
 * fallback counted.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_radius.h"
#include "compat.h"

#define RT_DESTS	8
#define RT_MSG_MAX	512

struct rt_fix {
	struct ip_vs_dest	*dests[RT_DESTS];
	unsigned int		ndests;
	struct ip_vs_kaff_svc	*s;
	struct list_head	list;
	unsigned int		flags;		/* the service's */
	unsigned long		now;
	u8			buf[RT_MSG_MAX];
	size_t			len;
	struct ip_vs_radius_msg	msg;
	int			status;
};

/* n servers 10.0.0.1..n:1812, weight 1 */
static int rt_init(struct kunit *test, unsigned int n)
{
	struct rt_fix *f;
	unsigned int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	INIT_LIST_HEAD(&f->list);
	for (i = 0; i < n; i++) {
		struct ip_vs_dest *d = kzalloc(sizeof(*d), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, d);
		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000001 + i);
		d->port = htons(1812);
		atomic_set(&d->weight, 1);
		atomic_set(&d->last_weight, 1);
		refcount_set(&d->refcnt, 1);
		list_add_tail(&d->n_list, &f->list);
		f->dests[f->ndests++] = d;
	}
	f->s = ip_vs_radius_svc_create(NULL, &f->list);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->s);
	/* the defaults, whatever the module parameters are now */
	f->s->conf.timeout[IP_VS_RADIUS_S_CONV] = 30;
	f->s->conf.timeout[IP_VS_RADIUS_S_STATE] = 30;
	f->s->conf.timeout[IP_VS_RADIUS_S_ACCT] = 0;
	f->s->conf.max_bindings = 100000;
	f->now = jiffies;
	test->priv = f;
	return 0;
}

static int rt_init3(struct kunit *test)
{
	return rt_init(test, 3);
}

/* As in ip_vs_sip_test.c: no server may keep a reference. */
static void rt_exit(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	unsigned int i;

	ip_vs_kaff_svc_destroy(f->s);
	rcu_barrier();
	for (i = 0; i < f->ndests; i++) {
		KUNIT_EXPECT_EQ(test, refcount_read(&f->dests[i]->refcnt), 1U);
		if (refcount_read(&f->dests[i]->refcnt) == 1)
			kfree(f->dests[i]);
	}
}

static void rt_attr(struct rt_fix *f, u8 type, const void *v, size_t len)
{
	f->buf[f->len] = type;
	f->buf[f->len + 1] = len + 2;
	memcpy(f->buf + f->len + 2, v, len);
	f->len += 2 + len;
}

/*
 * Builds and parses one message: @code from the NAS 192.0.2.1 with
 * Calling-Station-Id @calling (none when NULL), State @state (none when
 * NULL) and, for accounting, Acct-Session-Id @acct.
 */
static void rt_msg(struct rt_fix *f, u8 code, const char *calling,
		   const char *state, const char *acct)
{
	static const u8 nas[] = { 192, 0, 2, 1 };

	memset(f->buf, 0, IP_VS_RADIUS_HDR_LEN);
	f->buf[0] = code;
	f->buf[1] = 7;
	f->len = IP_VS_RADIUS_HDR_LEN;
	rt_attr(f, IP_VS_RADIUS_A_NAS_IP, nas, sizeof(nas));
	if (calling)
		rt_attr(f, IP_VS_RADIUS_A_CALLING_ID, calling, strlen(calling));
	if (state)
		rt_attr(f, IP_VS_RADIUS_A_STATE, state, strlen(state));
	if (acct)
		rt_attr(f, IP_VS_RADIUS_A_ACCT_SESSION, acct, strlen(acct));
	f->buf[2] = f->len >> 8;
	f->buf[3] = f->len & 0xff;
	f->status = ip_vs_radius_parse(f->buf, f->len, &f->msg);
}

/* Schedules the message built last, @at jiffies after the start. */
static struct ip_vs_dest *rt_place(struct rt_fix *f, unsigned long at,
				   bool *placed)
{
	struct ip_vs_dest *d;
	bool p;

	rcu_read_lock();
	local_bh_disable();
	p = ip_vs_radius_place(f->s, rcu_dereference(f->s->table), f->flags,
			       f->status, &f->msg, f->now + at, &d);
	local_bh_enable();
	rcu_read_unlock();
	if (placed)
		*placed = p;
	return d;
}

static struct ip_vs_dest *rt_req(struct rt_fix *f, const char *calling,
				 const char *state, unsigned long at)
{
	rt_msg(f, IP_VS_RADIUS_ACCESS_REQUEST, calling, state, NULL);
	return rt_place(f, at, NULL);
}

/* Server @d sends an Access-Challenge with @state: learned? */
static bool rt_challenge(struct rt_fix *f, struct ip_vs_dest *d,
			 const char *state, unsigned long at)
{
	bool ok;

	rt_msg(f, IP_VS_RADIUS_ACCESS_CHALLENGE, NULL, state, NULL);
	rcu_read_lock();
	local_bh_disable();
	ok = ip_vs_radius_learn(f->s, rcu_dereference(f->s->table), f->flags,
				&f->msg, d, f->now + at);
	local_bh_enable();
	rcu_read_unlock();
	return ok;
}

static u64 rt_count(struct rt_fix *f, int c)
{
	struct ip_vs_kaff_stats st;

	ip_vs_kaff_stats_sum(f->s, &st);
	return st.cls[c];
}

static void rt_rebuild(struct kunit *test, struct rt_fix *f)
{
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
}

/* The rounds of one login reach one server; the State is learned. */
static void ip_vs_radius_test_rounds(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *first;
	char state[16];
	int i;

	first = rt_req(f, "02-00-00-00-00-01", NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, first);
	for (i = 1; i < 10; i++) {
		snprintf(state, sizeof(state), "st-%d", i);
		KUNIT_EXPECT_TRUE(test, rt_challenge(f, first, state, i * HZ));
		KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-01", state,
						 i * HZ), first);
	}
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_LEARNED), 9ULL);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATE_HIT), 9ULL);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATE_MISS), 0ULL);
	/* one key and nine States */
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 10);
}

/* A learned State beats the conversation key. */
static void ip_vs_radius_test_state_wins(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *a, *b;

	a = rt_req(f, "02-00-00-00-00-02", NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = f->dests[0] == a ? f->dests[1] : f->dests[0];
	KUNIT_EXPECT_TRUE(test, rt_challenge(f, b, "from-b", HZ));
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-02", "from-b", HZ),
			    b);
	/* without the State, the key's binding */
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-02", NULL, HZ), a);
}

/* A State bound to one server is not another's to take. */
static void ip_vs_radius_test_state_owner(struct kunit *test)
{
	struct rt_fix *f = test->priv;

	KUNIT_EXPECT_TRUE(test, rt_challenge(f, f->dests[0], "mine", 0));
	KUNIT_EXPECT_FALSE(test, rt_challenge(f, f->dests[1], "mine", HZ));
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-03", "mine", HZ),
			    f->dests[0]);
	/* the owner's own challenge keeps it alive */
	KUNIT_EXPECT_TRUE(test, rt_challenge(f, f->dests[0], "mine", 20 * HZ));
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-03", "mine",
					 45 * HZ), f->dests[0]);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_LEARNED), 1ULL);
}

/*
 * Made-up States cost no memory, and keys at the cap are placed by hash:
 * an ongoing login keeps its server.
 */
static void ip_vs_radius_test_flood(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *mine;
	char buf[32];
	int i;

	mine = rt_req(f, "02-00-00-00-00-04", NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	KUNIT_EXPECT_TRUE(test, rt_challenge(f, mine, "ongoing", 0));
	f->s->conf.max_bindings = 64;
	for (i = 0; i < 2000; i++) {
		snprintf(buf, sizeof(buf), "forged-%d", i);
		/* no key either: left to the client address */
		KUNIT_EXPECT_NULL(test, rt_req(f, NULL, buf, HZ));
		snprintf(buf, sizeof(buf), "mac-%d", i);
		KUNIT_EXPECT_NOT_NULL(test, rt_req(f, buf, buf, HZ));
	}
	KUNIT_EXPECT_LE(test, atomic_read(&f->s->nbindings), 64);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATE_MISS), 4000ULL);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_NOKEY), 2000ULL);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-04", "ongoing",
					 2 * HZ), mine);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-04", NULL, 2 * HZ),
			    mine);
}

/*
 * The State's server left: the key decides (the login fails once there,
 * and its retry completes on a survivor). Quiesced: drains by default,
 * moves with flag-1.
 */
static void ip_vs_radius_test_server_changes(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *a, *d;

	a = rt_req(f, "02-00-00-00-00-05", NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, rt_challenge(f, a, "s5", 0));

	atomic_set(&a->weight, 0);
	rt_rebuild(test, f);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-05", "s5", HZ), a);
	f->flags = IP_VS_SVC_F_RADIUS_MOVE_QUIESCED;
	d = rt_req(f, "02-00-00-00-00-05", "s5", HZ);
	KUNIT_EXPECT_NOT_NULL(test, d);
	KUNIT_EXPECT_PTR_NE(test, d, a);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATE_MISS), 1ULL);
	/* new logins avoid it either way */
	f->flags = 0;
	KUNIT_EXPECT_PTR_NE(test, rt_req(f, "02-00-00-00-00-06", NULL, HZ), a);

	/* removed: its State leads nowhere, the key moves */
	list_del(&a->n_list);
	rt_rebuild(test, f);
	d = rt_req(f, "02-00-00-00-00-05", "s5", 2 * HZ);
	KUNIT_EXPECT_NOT_NULL(test, d);
	KUNIT_EXPECT_PTR_NE(test, d, a);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-05", NULL, 3 * HZ),
			    d);
	list_add_tail(&a->n_list, &f->list);
}

/*
 * Bindings expire conversation_timeout after their last use: the key's
 * after the first round (later rounds follow the State), the State's
 * after the last round.
 */
static void ip_vs_radius_test_expiry(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *a;

	a = rt_req(f, "02-00-00-00-00-07", NULL, 0);
	KUNIT_EXPECT_TRUE(test, rt_challenge(f, a, "s7", HZ));
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-07", "s7", 20 * HZ),
			    a);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + 29 * HZ), 0U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + 31 * HZ), 1U);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, NULL, "s7", 40 * HZ), a);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + 69 * HZ), 0U);
	KUNIT_EXPECT_EQ(test, ip_vs_kaff_gc(f->s, f->now + 71 * HZ), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 0);
	KUNIT_EXPECT_NULL(test, rt_req(f, NULL, "s7", 72 * HZ));
}

/* Start, Interim and Stop of one session: one server; sessions spread. */
static void ip_vs_radius_test_accounting(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	unsigned int count[RT_DESTS] = {};
	struct ip_vs_dest *d, *d2;
	char sid[16];
	int i, j;

	for (i = 0; i < 300; i++) {
		snprintf(sid, sizeof(sid), "%08X", i * 2654435761U);
		rt_msg(f, IP_VS_RADIUS_ACCT_REQUEST, "02-00-00-00-00-08", NULL,
		       sid);
		d = rt_place(f, 0, NULL);
		KUNIT_ASSERT_NOT_NULL(test, d);
		for (j = 1; j < 3; j++) {
			rt_msg(f, IP_VS_RADIUS_ACCT_REQUEST,
			       "02-00-00-00-00-08", NULL, sid);
			d2 = rt_place(f, j * HZ, NULL);
			KUNIT_EXPECT_PTR_EQ(test, d2, d);
		}
		count[ntohl(d->addr.ip) - 0x0a000001]++;
	}
	/* acct_timeout 0: placed by hash, never bound */
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, count[i], 60U);

	f->s->conf.timeout[IP_VS_RADIUS_S_ACCT] = 600;
	rt_msg(f, IP_VS_RADIUS_ACCT_REQUEST, NULL, NULL, "bound");
	KUNIT_EXPECT_NOT_NULL(test, rt_place(f, 0, NULL));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 1);
}

/* What has no key is counted by kind and left to the client address. */
static void ip_vs_radius_test_fallbacks(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	bool placed;

	rt_msg(f, IP_VS_RADIUS_STATUS_SERVER, NULL, NULL, NULL);
	rt_place(f, 0, &placed);
	KUNIT_EXPECT_FALSE(test, placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATUS), 1ULL);

	rt_msg(f, IP_VS_RADIUS_ACCESS_CHALLENGE, NULL, "x", NULL);
	rt_place(f, 0, &placed);
	KUNIT_EXPECT_FALSE(test, placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_NOTREQ), 1ULL);

	rt_msg(f, IP_VS_RADIUS_ACCESS_REQUEST, NULL, NULL, NULL);
	rt_place(f, 0, &placed);
	KUNIT_EXPECT_FALSE(test, placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_NOKEY), 1ULL);

	rt_msg(f, IP_VS_RADIUS_ACCESS_REQUEST, "02-00-00-00-00-09", NULL,
	       NULL);
	f->buf[2] = 0x20;	/* Length 8192 + ... : not RADIUS */
	f->status = ip_vs_radius_parse(f->buf, f->len, &f->msg);
	rt_place(f, 0, &placed);
	KUNIT_EXPECT_FALSE(test, placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_LENGTH), 1ULL);

	f->status = ip_vs_radius_parse(f->buf, 10, &f->msg);
	rt_place(f, 0, &placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_SHORT), 1ULL);

	/* two States: ignored, the key places it, counted */
	rt_msg(f, IP_VS_RADIUS_ACCESS_REQUEST, "02-00-00-00-00-09", "a", NULL);
	rt_attr(f, IP_VS_RADIUS_A_STATE, "b", 1);
	f->buf[3] = f->len;
	f->status = ip_vs_radius_parse(f->buf, f->len, &f->msg);
	KUNIT_EXPECT_EQ(test, f->status, IP_VS_RADIUS_E_DUPSTATE);
	KUNIT_EXPECT_NOT_NULL(test, rt_place(f, 0, &placed));
	KUNIT_EXPECT_TRUE(test, placed);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_DUPSTATE), 1ULL);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_STATE_MISS), 0ULL);
}

/* flag-3: no binding, no State learned; the key's hash still decides. */
static void ip_vs_radius_test_stateless(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	struct ip_vs_dest *a;

	f->flags = IP_VS_SVC_F_RADIUS_STATELESS;
	a = rt_req(f, "02-00-00-00-00-0a", NULL, 0);
	KUNIT_EXPECT_FALSE(test, rt_challenge(f, a, "s10", 0));
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, "02-00-00-00-00-0a", "s10", HZ), a);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 0);
}

/* A key longer than a binding holds: placed by hash, counted. */
static void ip_vs_radius_test_oversized(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	char id[254];
	struct ip_vs_dest *a;

	memset(id, 'c', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	a = rt_req(f, id, NULL, 0);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_PTR_EQ(test, rt_req(f, id, NULL, HZ), a);
	KUNIT_EXPECT_EQ(test, rt_count(f, IP_VS_RADIUS_C_OVERSIZED), 2ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 0);
}

/* New logins spread over the servers within 15% of their weights. */
static void ip_vs_radius_test_spread(struct kunit *test)
{
	struct rt_fix *f = test->priv;
	unsigned int count[RT_DESTS] = {};
	struct ip_vs_dest *d;
	char mac[24];
	int i;

	for (i = 0; i < 3000; i++) {
		snprintf(mac, sizeof(mac), "02-00-00-%02X-%02X-%02X",
			 i >> 16 & 255, i >> 8 & 255, i & 255);
		d = rt_req(f, mac, NULL, 0);
		KUNIT_ASSERT_NOT_NULL(test, d);
		count[ntohl(d->addr.ip) - 0x0a000001]++;
	}
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_GT(test, count[i], 850U);
		KUNIT_EXPECT_LT(test, count[i], 1150U);
	}
}

static struct kunit_case ip_vs_radius_test_cases[] = {
	KUNIT_CASE(ip_vs_radius_test_rounds),
	KUNIT_CASE(ip_vs_radius_test_state_wins),
	KUNIT_CASE(ip_vs_radius_test_state_owner),
	KUNIT_CASE(ip_vs_radius_test_flood),
	KUNIT_CASE(ip_vs_radius_test_server_changes),
	KUNIT_CASE(ip_vs_radius_test_expiry),
	KUNIT_CASE(ip_vs_radius_test_accounting),
	KUNIT_CASE(ip_vs_radius_test_fallbacks),
	KUNIT_CASE(ip_vs_radius_test_stateless),
	KUNIT_CASE(ip_vs_radius_test_oversized),
	KUNIT_CASE(ip_vs_radius_test_spread),
	{}
};

static struct kunit_suite ip_vs_radius_test_suite = {
	.name = "ip_vs_radius",
	.init = rt_init3,
	.exit = rt_exit,
	.test_cases = ip_vs_radius_test_cases,
};

kunit_test_suites(&ip_vs_radius_test_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS radius scheduler");
MODULE_LICENSE("GPL");
