// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for requests a real server of a "sip" service sends on its
 * own, as the "reply" persistence engine decides them (ip_vs_sip_rs.h):
 *
 *  - ip_vs_sip_bind_rs(): the "sip" scheduler vouches for a Call-ID bound
 *    to the sender, binds an unbound (or expired, or orphaned) one to it so
 *    that the client's responses are scheduled back to it, and refuses one
 *    bound to another server or when the table is at its cap;
 *  - ip_vs_pe_reply_rs_verdict(): the engine translates exactly the
 *    vouched-for ones and counts every outcome.
 *
 * Fake servers and a synthetic clock, as in ip_vs_sip_test.c. The comment
 * above each case names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_sip.h"
#include "ip_vs_sip_rs.h"
#include "compat.h"

#define RS_TEST_DESTS	4

struct rs_test_fix {
	struct ip_vs_dest	*dests[RS_TEST_DESTS];
	struct list_head	list;
	struct ip_vs_kaff_svc	*s;
	unsigned long		now;
};

static int rs_test_init(struct kunit *test)
{
	struct rs_test_fix *f;
	unsigned int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	INIT_LIST_HEAD(&f->list);
	f->now = jiffies;
	test->priv = f;
	/* 10.0.0.1..3:5060, weight 1, in the service; 10.0.0.4 is not. */
	for (i = 0; i < RS_TEST_DESTS; i++) {
		struct ip_vs_dest *d = kzalloc(sizeof(*d), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, d);
		f->dests[i] = d;
		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000001 + i);
		d->port = htons(5060);
		atomic_set(&d->weight, 1);
		atomic_set(&d->last_weight, 1);
		refcount_set(&d->refcnt, 1);
		if (i < RS_TEST_DESTS - 1)
			list_add_tail(&d->n_list, &f->list);
	}
	f->s = ip_vs_sip_svc_create(NULL, &f->list);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->s);
	f->s->conf.timeout[IP_VS_SIP_S_DIALOG] = 1800;
	f->s->conf.timeout[IP_VS_SIP_S_EARLY] = 180;
	f->s->conf.timeout[IP_VS_SIP_S_TRANSACTION] = 32;
	f->s->conf.timeout[IP_VS_SIP_S_LINGER] = 32;
	f->s->conf.max_bindings = 100;
	return 0;
}

/* Free the service, then the servers once no table references them. */
static void rs_test_exit(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	unsigned long deadline;
	unsigned int i;

	if (!IS_ERR_OR_NULL(f->s))
		ip_vs_kaff_svc_destroy(f->s);
	rcu_barrier();
	deadline = jiffies + 5 * HZ;
	for (i = 0; i < RS_TEST_DESTS; i++) {
		struct ip_vs_dest *d = f->dests[i];

		if (!d)
			continue;
		while (refcount_read(&d->refcnt) != 1 &&
		       time_before(jiffies, deadline))
			msleep(20);
		if (refcount_read(&d->refcnt) != 1) {
			KUNIT_FAIL(test, "server %u: references left", i);
			continue;
		}
		kfree(d);
	}
}

static struct ip_vs_sip_msg rs_test_msg(const char *key, u8 method,
					u16 status)
{
	struct ip_vs_sip_msg m = {
		.callid = (const u8 *)key,
		.callid_len = strlen(key),
		.method = method,
		.status = status,
		.flags = status ? IP_VS_SIP_F_RESPONSE : 0,
	};

	return m;
}

/* Real server @i sends request @method with Call-ID @key at now + @at. */
static int rs_test_rs(struct rs_test_fix *f, unsigned int i, const char *key,
		      u8 method, unsigned long at)
{
	struct ip_vs_sip_msg m = rs_test_msg(key, method, 0);
	int v;

	rcu_read_lock();
	v = ip_vs_sip_bind_rs(f->s, rcu_dereference(f->s->table), &m,
			      f->dests[i], f->now + at);
	rcu_read_unlock();
	return v;
}

/*
 * The server the scheduler gives a client's message (response @status to
 * @method, or request @method when @status is 0) with Call-ID @key.
 */
static struct ip_vs_dest *rs_test_client(struct rs_test_fix *f,
					 const char *key, u8 method,
					 u16 status, unsigned long at)
{
	struct ip_vs_sip_msg m = rs_test_msg(key, method, status);
	const struct ip_vs_kaff_table *t;
	struct ip_vs_dest *d;
	u64 hash;

	rcu_read_lock();
	t = rcu_dereference(f->s->table);
	hash = ip_vs_kaff_hash_key(t, m.callid, m.callid_len);
	d = ip_vs_sip_bind(f->s, t, &m, hash, false, f->now + at);
	rcu_read_unlock();
	return d;
}

/* Where the consistent hash alone places @key. */
static struct ip_vs_dest *rs_test_hash(struct rs_test_fix *f, const char *key)
{
	const struct ip_vs_kaff_table *t;
	struct ip_vs_dest *d;

	rcu_read_lock();
	t = rcu_dereference(f->s->table);
	d = ip_vs_kaff_table_pick(t, ip_vs_kaff_hash_key(t, key, strlen(key)));
	rcu_read_unlock();
	return d;
}

/* A Call-ID in @buf that the hash places on a server other than @i. */
static const char *rs_test_key_not_on(struct kunit *test,
				      struct rs_test_fix *f, unsigned int i,
				      char *buf, size_t len)
{
	unsigned int n;

	for (n = 0; n < 1000; n++) {
		snprintf(buf, len, "rs-test-%u@192.0.2.1", n);
		if (rs_test_hash(f, buf) != f->dests[i])
			return buf;
	}
	KUNIT_FAIL(test, "no Call-ID hashed away from server %u", i);
	return buf;
}

#define M(x)	IP_VS_SIP_M_##x

/*
 * A call the real server starts (Call-ID first seen from it) is bound to
 * it, and the client's responses and requests go back to it although the
 * hash would place them elsewhere. Catches: an unbound Call-ID refused,
 * or translated without a binding (the client's 200 OK would reach
 * whichever server the hash picks, which knows nothing of the call).
 */
static void ip_vs_sip_rs_test_new(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	char key[48];

	rs_test_key_not_on(test, f, 0, key, sizeof(key));
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, key, M(INVITE), 0),
			IP_VS_SIP_RS_NEW);
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key, M(INVITE), 200, 1),
			    f->dests[0]);
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key, M(BYE), 0, 2),
			    f->dests[0]);
	/* The server's ACK and later requests are in-dialog now. */
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, key, M(ACK), 3),
			IP_VS_SIP_RS_BOUND);
}

/*
 * In-dialog requests of a call a client started on this server (BYE,
 * re-INVITE from the callee) pass. Catches: a bound Call-ID treated as
 * foreign, or as new (the binding's state reset).
 */
static void ip_vs_sip_rs_test_bound(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	const char *key = "call-bound@192.0.2.1";
	struct ip_vs_dest *d;
	unsigned int i;

	d = rs_test_client(f, key, M(INVITE), 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key, M(INVITE), 200, 1),
			    d);
	for (i = 0; i < 3 && f->dests[i] != d; i++)
		;
	KUNIT_ASSERT_LT(test, i, 3U);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, i, key, M(INVITE), 10),
			IP_VS_SIP_RS_BOUND);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, i, key, M(BYE), 20),
			IP_VS_SIP_RS_BOUND);
	/* Still bound to it (lingering after the BYE) */
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key, M(BYE), 200, 21), d);
}

/*
 * A Call-ID bound to another server is not the sender's: refused, and the
 * binding stays where it was. Catches: a real server hijacking another
 * server's call (its datagram given the VIP, or the binding moved to it).
 */
static void ip_vs_sip_rs_test_other(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	const char *key = "call-other@192.0.2.1";
	struct ip_vs_dest *d;
	unsigned int i, other;

	d = rs_test_client(f, key, M(OPTIONS), 0, 0);
	for (i = 0; i < 3 && f->dests[i] != d; i++)
		;
	KUNIT_ASSERT_LT(test, i, 3U);
	other = (i + 1) % 3;
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, other, key, M(NOTIFY), 1),
			IP_VS_SIP_RS_OTHER);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, other, key, M(BYE), 2),
			IP_VS_SIP_RS_OTHER);
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key, M(OPTIONS), 200, 3),
			    d);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, i, key, M(NOTIFY), 4),
			IP_VS_SIP_RS_BOUND);
}

/*
 * An expired binding (to another server) no longer owns the Call-ID: the
 * sender gets it. A binding whose server left the service moves to the
 * sender. Catches: stale bindings blocking a server's new calls forever.
 */
static void ip_vs_sip_rs_test_expired_orphan(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	const char *key = "call-expired@192.0.2.1";
	LIST_HEAD(rest);
	struct ip_vs_dest *d;
	unsigned int i, other;
	char key2[48];

	d = rs_test_client(f, key, M(OPTIONS), 0, 0);
	for (i = 0; i < 3 && f->dests[i] != d; i++)
		;
	KUNIT_ASSERT_LT(test, i, 3U);
	other = (i + 1) % 3;
	/* transaction_timeout is 32 s */
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, other, key, M(OPTIONS), 33 * HZ),
			IP_VS_SIP_RS_NEW);
	KUNIT_EXPECT_PTR_EQ(test,
			    rs_test_client(f, key, M(OPTIONS), 200, 33 * HZ),
			    f->dests[other]);

	/* Server 1 leaves the service; its call is claimed by server 0. */
	rs_test_key_not_on(test, f, 0, key2, sizeof(key2));
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 1, key2, M(INVITE), 0),
			IP_VS_SIP_RS_NEW);
	list_del(&f->dests[1]->n_list);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, key2, M(BYE), 1),
			IP_VS_SIP_RS_NEW);
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, key2, M(BYE), 200, 2),
			    f->dests[0]);
	/* And server 1, gone, is not vouched for at all. */
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 1, key2, M(BYE), 3),
			IP_VS_SIP_RS_REFUSED);
}

/*
 * At the cap no new Call-ID is bound for a server either (the client's
 * answers would go by hash elsewhere): refused, counted. A server that is
 * not in the service is never vouched for. Catches: the cap bypassed by
 * real servers, unbounded memory.
 */
static void ip_vs_sip_rs_test_cap(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	struct ip_vs_kaff_stats st;
	char key[48];
	unsigned int n;

	f->s->conf.max_bindings = 2;
	for (n = 0; n < 2; n++) {
		snprintf(key, sizeof(key), "cap-%u", n);
		KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, key, M(INVITE), 0),
				IP_VS_SIP_RS_NEW);
	}
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, "cap-2", M(INVITE), 0),
			IP_VS_SIP_RS_REFUSED);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 2);
	ip_vs_kaff_stats_sum(f->s, &st);
	KUNIT_EXPECT_EQ(test, st.refused, 1ULL);
	KUNIT_EXPECT_EQ(test, st.created, 2ULL);
	KUNIT_EXPECT_EQ(test, rs_test_rs(f, 3, "cap-0", M(BYE), 1),
			IP_VS_SIP_RS_REFUSED);
}

/*
 * The engine translates exactly BOUND and NEW, leaves OTHER unchanged even
 * when a request record matches, leaves NOKEY and RESPONSE (and anything
 * unknown) to the request records, and counts each outcome in its own
 * column. Catches: OTHER given the VIP, a response at the binding cap or
 * of a quiesced server turned into "unchanged" (which overrode the
 * matching request record: the NAT response left with the real server's
 * address), outcomes counted in the wrong column.
 */
static void ip_vs_sip_rs_test_verdict(struct kunit *test)
{
	static const struct ip_vs_pe_reply_conf conf = {
		.timeout_ms = 5000, .max_requests = 16,
	};
	static const int expect[IP_VS_SIP_RS_NVERDICTS] = {
		[IP_VS_SIP_RS_NOKEY] = -1,
		[IP_VS_SIP_RS_BOUND] = 1,
		[IP_VS_SIP_RS_NEW] = 1,
		[IP_VS_SIP_RS_OTHER] = 0,
		[IP_VS_SIP_RS_REFUSED] = -1,
		[IP_VS_SIP_RS_RESPONSE] = -1,
		[IP_VS_SIP_RS_RECORDS] = -1,
	};
	struct ip_vs_pe_reply_stats st;
	struct ip_vs_pe_reply_net *pn;
	int v;

	pn = kunit_kzalloc(test, sizeof(*pn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pn);
	KUNIT_ASSERT_EQ(test, ip_vs_pe_reply_net_init(pn, &conf, NULL), 0);
	for (v = 0; v < IP_VS_SIP_RS_NVERDICTS; v++)
		KUNIT_EXPECT_EQ_MSG(test, ip_vs_pe_reply_rs_verdict(pn, v),
				    expect[v], "verdict %d", v);
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_rs_verdict(pn, -1), -1);
	ip_vs_pe_reply_stats_sum(pn, &st);
	KUNIT_EXPECT_EQ(test, st.sip_bound, 1ULL);
	KUNIT_EXPECT_EQ(test, st.sip_new, 1ULL);
	KUNIT_EXPECT_EQ(test, st.sip_other, 1ULL);
	/* NOKEY, REFUSED, RESPONSE and an unknown value; not RECORDS */
	KUNIT_EXPECT_EQ(test, st.sip_nokey, 4ULL);
	KUNIT_EXPECT_EQ(test, st.unsolicited, 0ULL);
	ip_vs_pe_reply_net_destroy(pn);
}

/* ip_vs_sip_rs_decide() for server @i's message (@status 0: a request). */
static int rs_test_decide(struct rs_test_fix *f, unsigned int i,
			  const char *key, u8 method, u16 status, bool pinned,
			  unsigned long at)
{
	struct ip_vs_sip_msg m = rs_test_msg(key, method, status);
	int v;

	rcu_read_lock();
	v = ip_vs_sip_rs_decide(f->s, rcu_dereference(f->s->table), &m,
				f->dests[i], pinned, f->now + at);
	rcu_read_unlock();
	return v;
}

/* A Call-ID in @buf that the hash places on server @i. */
static const char *rs_test_key_on(struct kunit *test, struct rs_test_fix *f,
				  unsigned int i, char *buf, size_t len)
{
	unsigned int n;

	for (n = 0; n < 1000; n++) {
		snprintf(buf, len, "rs-on-%u@192.0.2.7", n);
		if (rs_test_hash(f, buf) == f->dests[i])
			return buf;
	}
	KUNIT_FAIL(test, "no Call-ID hashed to server %u", i);
	return buf;
}

/*
 * With the binding table at its cap a new call is placed by the consistent
 * hash and not bound. The responses of the server the hash placed it on
 * must still leave from the VIP (BOUND), as must that server's own
 * requests; another server's request for it stays unchanged (OTHER), and
 * another server's response is left to the request records (RESPONSE).
 * Catches the Call-ID flood that broke NAT replies: REFUSED turned into
 * "unchanged", overriding the request record of the client's INVITE.
 */
static void ip_vs_sip_rs_test_decide_cap(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	char key[48], on0[48];
	unsigned int n;

	f->s->conf.max_bindings = 2;
	for (n = 0; n < 2; n++) {
		snprintf(key, sizeof(key), "fill-%u", n);
		KUNIT_EXPECT_EQ(test, rs_test_rs(f, 0, key, M(OPTIONS), 0),
				IP_VS_SIP_RS_NEW);
	}
	rs_test_key_on(test, f, 0, on0, sizeof(on0));
	/* The client's INVITE: placed by hash on server 0, not bound. */
	KUNIT_EXPECT_PTR_EQ(test, rs_test_client(f, on0, M(INVITE), 0, 1),
			    f->dests[0]);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 2);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(INVITE), 180, true,
					     2), IP_VS_SIP_RS_BOUND);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(INVITE), 200, true,
					     3), IP_VS_SIP_RS_BOUND);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(BYE), 0, true, 4),
			IP_VS_SIP_RS_BOUND);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 1, on0, M(BYE), 0, true, 5),
			IP_VS_SIP_RS_OTHER);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 1, on0, M(INVITE), 200, true,
					     6), IP_VS_SIP_RS_RESPONSE);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 2);
}

/*
 * flag-3 (stateless): nothing is bound, the hash decides. A server that
 * was quiesced after the client's INVITE reached it still answers it: its
 * response is left to the request records (RESPONSE), not refused; its
 * own new requests are not vouched for (OTHER). Catches the quiesced
 * server's 200 OK leaving NAT with its own address.
 */
static void ip_vs_sip_rs_test_decide_stateless(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	char on0[48];

	rs_test_key_on(test, f, 0, on0, sizeof(on0));
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(INVITE), 180, false,
					     0), IP_VS_SIP_RS_BOUND);
	atomic_set(&f->dests[0]->weight, 0);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(INVITE), 200, false,
					     1), IP_VS_SIP_RS_RESPONSE);
	KUNIT_EXPECT_EQ(test, rs_test_decide(f, 0, on0, M(BYE), 0, false, 2),
			IP_VS_SIP_RS_OTHER);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->s->nbindings), 0);
}

/*
 * The placement table's references on its servers are gone as soon as a
 * table is replaced or the service is done, not after a grace period: at
 * netns exit IPVS frees its trash right after done_service, and a
 * reference dropped later underflowed ("refcount_t: decrement hit 0;
 * leaking memory" from ip_vs_sip_free_work, a panic with panic_on_warn).
 */
static void ip_vs_sip_rs_test_refs_sync(struct kunit *test)
{
	struct rs_test_fix *f = test->priv;
	unsigned int i;

	for (i = 0; i < RS_TEST_DESTS - 1; i++)
		KUNIT_EXPECT_EQ(test, refcount_read(&f->dests[i]->refcnt), 2U);
	/* del_dest: IPVS unlinks, then the scheduler rebuilds. */
	list_del(&f->dests[2]->n_list);
	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_update(f->s, &f->list), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&f->dests[2]->refcnt), 1U);
	/* done_service */
	ip_vs_kaff_svc_destroy(f->s);
	f->s = NULL;
	for (i = 0; i < RS_TEST_DESTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, refcount_read(&f->dests[i]->refcnt),
				    1U, "server %u", i);
}

static struct kunit_case ip_vs_sip_rs_test_cases[] = {
	KUNIT_CASE(ip_vs_sip_rs_test_new),
	KUNIT_CASE(ip_vs_sip_rs_test_bound),
	KUNIT_CASE(ip_vs_sip_rs_test_other),
	KUNIT_CASE(ip_vs_sip_rs_test_expired_orphan),
	KUNIT_CASE(ip_vs_sip_rs_test_cap),
	KUNIT_CASE(ip_vs_sip_rs_test_verdict),
	KUNIT_CASE(ip_vs_sip_rs_test_decide_cap),
	KUNIT_CASE(ip_vs_sip_rs_test_decide_stateless),
	KUNIT_CASE(ip_vs_sip_rs_test_refs_sync),
	{}
};

static struct kunit_suite ip_vs_sip_rs_test_suite = {
	.name = "ip_vs_sip_rs",
	.init = rs_test_init,
	.exit = rs_test_exit,
	.test_cases = ip_vs_sip_rs_test_cases,
};

kunit_test_suite(ip_vs_sip_rs_test_suite);

MODULE_DESCRIPTION("KUnit tests for real-server requests of sip services under the reply engine");
MODULE_LICENSE("GPL");
IPVS_UDP_IMPORT_KUNIT_NS();
