// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: attribute helpers of the ipvs_udp generic netlink family
 * (ip_vs_udp_nl_attr.c): service and real-server keys decoded the way IPVS
 * addresses them, hostile nests rejected with an extack message, Call-ID
 * lengths, key order and matching, encode/decode round trips.
 *
 * The helpers are linked into each module that uses them; this suite
 * includes them the same way.
 *
 * ip_vs_udp_nl_sip: what the sip operations use to serve one Call-ID
 * (binding-get do, binding-flush by call-id): a hash lookup in the
 * service's binding table (ip_vs_kaff_lookup(), ip_vs_kaff_unbind_key()),
 * not a walk, over a service of fake real servers built as IPVS would.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "../ip_vs_udp_nl_attr.c"
#include "ip_vs_sip.h"
#include "compat.h"

struct nl_t {
	struct sk_buff *skb;
	struct netlink_ext_ack ext;
};

static int nl_t_init(struct kunit *test)
{
	struct nl_t *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->skb = alloc_skb(4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->skb);
	test->priv = t;
	return 0;
}

static void nl_t_exit(struct kunit *test)
{
	struct nl_t *t = test->priv;

	kfree_skb(t->skb);
}

/* A fresh service nest in the test skb; the caller adds attributes. */
static struct nlattr *nest_start(struct kunit *test)
{
	struct nl_t *t = test->priv;

	skb_trim(t->skb, 0);
	memset(&t->ext, 0, sizeof(t->ext));
	return nla_nest_start(t->skb, 1);
}

static int parse_svc(struct kunit *test, struct nlattr *n,
		     struct ip_vs_udp_nl_svc_key *k)
{
	struct nl_t *t = test->priv;

	nla_nest_end(t->skb, n);
	return ip_vs_udp_nl_parse_service(n, k, &t->ext);
}

static void put_v4_svc(struct sk_buff *skb, int addrlen)
{
	u8 addr[16] = { 10, 0, 100, 1 };

	nla_put_u16(skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
	nla_put_u16(skb, IPVS_UDP_A_SERVICE_PROTOCOL, IPPROTO_UDP);
	nla_put(skb, IPVS_UDP_A_SERVICE_ADDR, addrlen, addr);
	nla_put_be16(skb, IPVS_UDP_A_SERVICE_PORT, htons(5060));
}

static void svc_v4(struct kunit *test)
{
	struct nl_t *t = test->priv;
	struct ip_vs_udp_nl_svc_key k;
	struct nlattr *n = nest_start(test);

	put_v4_svc(t->skb, 4);
	KUNIT_ASSERT_EQ(test, parse_svc(test, n, &k), 0);
	KUNIT_EXPECT_EQ(test, k.af, AF_INET);
	KUNIT_EXPECT_EQ(test, k.protocol, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, k.port, htons(5060));
	KUNIT_EXPECT_EQ(test, k.addr.ip, htonl(0x0a006401));
	KUNIT_EXPECT_EQ(test, k.addr.all[1] | k.addr.all[2] | k.addr.all[3], 0);
	KUNIT_EXPECT_EQ(test, k.fwmark, 0);

	/* IPVS's own 16-byte union nf_inet_addr for AF_INET (ipvsadm) */
	n = nest_start(test);
	put_v4_svc(t->skb, 16);
	KUNIT_ASSERT_EQ(test, parse_svc(test, n, &k), 0);
	KUNIT_EXPECT_EQ(test, k.addr.ip, htonl(0x0a006401));
}

static void svc_v6_and_fwmark(struct kunit *test)
{
	struct nl_t *t = test->priv;
	struct ip_vs_udp_nl_svc_key k;
	struct in6_addr a6 = { .s6_addr = { 0xfd, 0, 1, 0, [15] = 1 } };
	struct nlattr *n = nest_start(test);

	nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET6);
	nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_PROTOCOL, IPPROTO_UDP);
	nla_put(t->skb, IPVS_UDP_A_SERVICE_ADDR, 16, &a6);
	nla_put_be16(t->skb, IPVS_UDP_A_SERVICE_PORT, htons(53));
	KUNIT_ASSERT_EQ(test, parse_svc(test, n, &k), 0);
	KUNIT_EXPECT_EQ(test, k.af, AF_INET6);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&k.addr.in6, &a6));

	n = nest_start(test);
	nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
	nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 7);
	KUNIT_ASSERT_EQ(test, parse_svc(test, n, &k), 0);
	KUNIT_EXPECT_EQ(test, k.fwmark, 7);
	KUNIT_EXPECT_EQ(test, k.port, 0);
	KUNIT_EXPECT_EQ(test, k.protocol, 0);
}

/* Each hostile nest: -EINVAL and an extack message. */
static void svc_hostile(struct kunit *test)
{
	struct nl_t *t = test->priv;
	struct ip_vs_udp_nl_svc_key k;
	u8 a6[16] = { 0xfd };
	struct nlattr *n;
	int i;

	for (i = 0; i < 10; i++) {
		n = nest_start(test);
		switch (i) {
		case 0:		/* no af */
			nla_put_be16(t->skb, IPVS_UDP_A_SERVICE_PORT, 1);
			break;
		case 1:		/* af 7 */
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, 7);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 1);
			break;
		case 2:		/* 5-byte address */
			put_v4_svc(t->skb, 5);
			break;
		case 3:		/* AF_INET6 with a 4-byte address */
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET6);
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_PROTOCOL, 17);
			nla_put(t->skb, IPVS_UDP_A_SERVICE_ADDR, 4, a6);
			nla_put_be16(t->skb, IPVS_UDP_A_SERVICE_PORT, 1);
			break;
		case 4:		/* fwmark 0 */
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 0);
			break;
		case 5:		/* fwmark and an address */
			put_v4_svc(t->skb, 4);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 3);
			break;
		case 6:		/* no port */
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_PROTOCOL, 17);
			nla_put(t->skb, IPVS_UDP_A_SERVICE_ADDR, 4, a6);
			break;
		case 7:		/* af as a u32 */
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 1);
			break;
		case 8:		/* unknown attribute */
			nla_put_u16(t->skb, IPVS_UDP_A_SERVICE_AF, AF_INET);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_FWMARK, 1);
			nla_put_u32(t->skb, IPVS_UDP_A_SERVICE_MAX + 1, 1);
			break;
		case 9:		/* attribute type 0 */
			nla_put_u16(t->skb, 0, AF_INET);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, parse_svc(test, n, &k), -EINVAL,
				    "case %d", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, t->ext._msg, "case %d", i);
	}
}

static void dest_keys(struct kunit *test)
{
	struct nl_t *t = test->priv;
	struct ip_vs_udp_nl_dest_key k;
	struct nlattr *n = nest_start(test);
	__be32 a = htonl(0x0a00020b);

	nla_put_u16(t->skb, IPVS_UDP_A_DEST_AF, AF_INET);
	nla_put(t->skb, IPVS_UDP_A_DEST_ADDR, 4, &a);
	nla_put_be16(t->skb, IPVS_UDP_A_DEST_PORT, htons(5060));
	nla_nest_end(t->skb, n);
	KUNIT_ASSERT_EQ(test, ip_vs_udp_nl_parse_dest(n, &k, &t->ext), 0);
	KUNIT_EXPECT_EQ(test, k.addr.ip, a);
	KUNIT_EXPECT_EQ(test, k.port, htons(5060));

	n = nest_start(test);	/* no port */
	nla_put_u16(t->skb, IPVS_UDP_A_DEST_AF, AF_INET);
	nla_put(t->skb, IPVS_UDP_A_DEST_ADDR, 4, &a);
	nla_nest_end(t->skb, n);
	KUNIT_EXPECT_EQ(test, ip_vs_udp_nl_parse_dest(n, &k, &t->ext),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, t->ext._msg);
}

static void callid_len(struct kunit *test)
{
	struct nl_t *t = test->priv;
	static const u8 id[300];
	struct nlattr *a;
	static const int lens[] = { 0, 1, 255, 256, 299 };
	static const int want[] = { -EINVAL, 0, 0, -EINVAL, -EINVAL };
	int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		skb_trim(t->skb, 0);
		memset(&t->ext, 0, sizeof(t->ext));
		a = (struct nlattr *)skb_tail_pointer(t->skb);
		KUNIT_ASSERT_EQ(test, nla_put(t->skb, 6, lens[i], id), 0);
		KUNIT_EXPECT_EQ_MSG(test, ip_vs_udp_nl_parse_callid(a, &t->ext),
				    want[i], "length %d", lens[i]);
		KUNIT_EXPECT_EQ(test, !!t->ext._msg, want[i] != 0);
	}
}

/* Keys as IPVS hashes services: fwmark services by (af, mark) only. */
static void svc_match_and_order(struct kunit *test)
{
	struct ip_vs_service *svc = kunit_kzalloc(test, sizeof(*svc),
						  GFP_KERNEL);
	struct ip_vs_udp_nl_svc_key k, k2;

	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->af = AF_INET;
	svc->protocol = IPPROTO_UDP;
	svc->addr.ip = htonl(0x0a006401);
	svc->port = htons(5060);
	ip_vs_udp_nl_svc_key_of(svc, &k);
	KUNIT_EXPECT_TRUE(test, ip_vs_udp_nl_svc_match(&k, svc));
	k2 = k;
	k2.port = htons(5061);
	KUNIT_EXPECT_FALSE(test, ip_vs_udp_nl_svc_match(&k2, svc));
	KUNIT_EXPECT_LT(test, ip_vs_udp_nl_svc_key_cmp(&k, &k2), 0);
	KUNIT_EXPECT_GT(test, ip_vs_udp_nl_svc_key_cmp(&k2, &k), 0);
	KUNIT_EXPECT_EQ(test, ip_vs_udp_nl_svc_key_cmp(&k, &k), 0);
	k2 = k;
	k2.protocol = IPPROTO_TCP;
	KUNIT_EXPECT_FALSE(test, ip_vs_udp_nl_svc_match(&k2, svc));
	k2 = k;
	k2.af = AF_INET6;
	KUNIT_EXPECT_FALSE(test, ip_vs_udp_nl_svc_match(&k2, svc));

	svc->fwmark = 9;
	memset(&k2, 0, sizeof(k2));
	k2.af = AF_INET;
	k2.fwmark = 9;
	KUNIT_EXPECT_TRUE(test, ip_vs_udp_nl_svc_match(&k2, svc));
	KUNIT_EXPECT_FALSE(test, ip_vs_udp_nl_svc_match(&k, svc));
	k2.fwmark = 8;
	KUNIT_EXPECT_FALSE(test, ip_vs_udp_nl_svc_match(&k2, svc));
}

/* What the kernel sends parses back to the same key. */
static void svc_round_trip(struct kunit *test)
{
	struct nl_t *t = test->priv;
	struct ip_vs_udp_nl_svc_key k = {
		.af = AF_INET6, .protocol = IPPROTO_UDP, .port = htons(5060),
	}, back;
	struct nlattr *n;

	k.addr.in6.s6_addr[0] = 0xfd;
	k.addr.in6.s6_addr[15] = 1;
	skb_trim(t->skb, 0);
	n = (struct nlattr *)skb_tail_pointer(t->skb);
	KUNIT_ASSERT_EQ(test, ip_vs_udp_nl_put_service(t->skb, 1, &k), 0);
	KUNIT_ASSERT_EQ(test, ip_vs_udp_nl_parse_service(n, &back, &t->ext), 0);
	KUNIT_EXPECT_EQ(test, ip_vs_udp_nl_svc_key_cmp(&k, &back), 0);

	memset(&k, 0, sizeof(k));
	k.af = AF_INET;
	k.fwmark = 42;
	skb_trim(t->skb, 0);
	n = (struct nlattr *)skb_tail_pointer(t->skb);
	KUNIT_ASSERT_EQ(test, ip_vs_udp_nl_put_service(t->skb, 1, &k), 0);
	KUNIT_ASSERT_EQ(test, ip_vs_udp_nl_parse_service(n, &back, &t->ext), 0);
	KUNIT_EXPECT_EQ(test, ip_vs_udp_nl_svc_key_cmp(&k, &back), 0);
}

static struct kunit_case ip_vs_udp_nl_cases[] = {
	KUNIT_CASE(svc_v4),
	KUNIT_CASE(svc_v6_and_fwmark),
	KUNIT_CASE(svc_hostile),
	KUNIT_CASE(dest_keys),
	KUNIT_CASE(callid_len),
	KUNIT_CASE(svc_match_and_order),
	KUNIT_CASE(svc_round_trip),
	{}
};

static struct kunit_suite ip_vs_udp_nl_suite = {
	.name = "ip_vs_udp_nl",
	.init = nl_t_init,
	.exit = nl_t_exit,
	.test_cases = ip_vs_udp_nl_cases,
};

#define LK_DESTS	3
#define LK_KEYS		2000

struct lk_t {
	struct ip_vs_dest	*dests[LK_DESTS];
	struct list_head	list;
	struct ip_vs_kaff_svc	*s;
	char			buf[32];
};

static int lk_init(struct kunit *test)
{
	struct lk_t *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct ip_vs_dest *d;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;
	INIT_LIST_HEAD(&t->list);
	for (i = 0; i < LK_DESTS; i++) {
		d = kzalloc(sizeof(*d), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, d);
		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000001 + i);
		d->port = htons(5060);
		atomic_set(&d->weight, 1);
		atomic_set(&d->last_weight, 1);
		refcount_set(&d->refcnt, 1);
		list_add_tail(&d->n_list, &t->list);
		t->dests[i] = d;
	}
	t->s = ip_vs_sip_svc_create(NULL, &t->list);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->s);
	t->s->conf.timeout[IP_VS_SIP_S_TRANSACTION] = 600;
	t->s->conf.max_bindings = 100000;
	return 0;
}

/* The service goes by an rcu_work: wait for the servers' references. */
static void lk_exit(struct kunit *test)
{
	struct lk_t *t = test->priv;
	unsigned long deadline;
	int i;

	if (!IS_ERR_OR_NULL(t->s))
		ip_vs_kaff_svc_destroy(t->s);
	rcu_barrier();
	deadline = jiffies + 5 * HZ;
	for (i = 0; i < LK_DESTS && t->dests[i]; i++) {
		while (refcount_read(&t->dests[i]->refcnt) != 1 &&
		       time_before(jiffies, deadline))
			msleep(20);
		if (refcount_read(&t->dests[i]->refcnt) != 1) {
			KUNIT_FAIL(test, "server %d still referenced", i);
			continue;
		}
		kfree(t->dests[i]);
	}
}

static const char *lk_key(struct lk_t *t, const char *pfx, unsigned int i)
{
	snprintf(t->buf, sizeof(t->buf), "%s-%u@test", pfx, i);
	return t->buf;
}

/* A request with Call-ID @key, as the packet path binds it. */
static struct ip_vs_dest *lk_bind(struct lk_t *t, const char *key)
{
	struct ip_vs_sip_msg m = {
		.callid = (const u8 *)key,
		.callid_len = strlen(key),
		.method = IP_VS_SIP_M_OPTIONS,
	};
	const struct ip_vs_kaff_table *tb;
	struct ip_vs_dest *d;

	rcu_read_lock();
	tb = rcu_dereference(t->s->table);
	d = ip_vs_sip_bind(t->s, tb, &m,
			   ip_vs_kaff_hash_key(tb, m.callid, m.callid_len),
			   false, jiffies);
	rcu_read_unlock();
	return d;
}

/* The server of @key's binding as ip_vs_kaff_lookup() finds it, or NULL. */
static struct ip_vs_dest *lk_find(struct lk_t *t, const char *key)
{
	struct ip_vs_kaff_binding *b;
	struct ip_vs_dest *d = NULL;

	rcu_read_lock();
	b = ip_vs_kaff_lookup(t->s, (const u8 *)key, strlen(key));
	if (b && b->len == strlen(key) && !memcmp(b->key, key, b->len))
		d = READ_ONCE(b->dest);
	rcu_read_unlock();
	return d;
}

/*
 * Among LK_KEYS bindings each Call-ID finds its own (the server it was
 * bound to), unknown ones nothing, also after a new seed changed the
 * placement key (a lookup hashing with the table's key would miss them).
 */
static void lookup_finds_its_own(struct kunit *test)
{
	struct lk_t *t = test->priv;
	struct ip_vs_dest **bound;
	unsigned int i, bad = 0;

	bound = kunit_kcalloc(test, LK_KEYS + 100, sizeof(*bound), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bound);
	for (i = 0; i < LK_KEYS; i++) {
		bound[i] = lk_bind(t, lk_key(t, "k", i));
		KUNIT_ASSERT_NOT_NULL(test, bound[i]);
	}
	KUNIT_ASSERT_EQ(test, atomic_read(&t->s->nbindings), LK_KEYS);
	for (i = 0; i < LK_KEYS; i++)
		bad += lk_find(t, lk_key(t, "k", i)) != bound[i];
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_NULL(test, lk_find(t, lk_key(t, "k", LK_KEYS)));
	KUNIT_EXPECT_NULL(test, lk_find(t, "k-1@tes"));
	KUNIT_EXPECT_NULL(test, lk_find(t, "k-1@testx"));

	KUNIT_ASSERT_EQ(test, ip_vs_kaff_svc_reseed(t->s, 777), 0);
	for (i = 0; i < 100; i++) {
		bound[LK_KEYS + i] = lk_bind(t, lk_key(t, "n", i));
		KUNIT_ASSERT_NOT_NULL(test, bound[LK_KEYS + i]);
	}
	bad = 0;
	for (i = 0; i < LK_KEYS; i++)
		bad += lk_find(t, lk_key(t, "k", i)) != bound[i];
	for (i = 0; i < 100; i++)
		bad += lk_find(t, lk_key(t, "n", i)) != bound[LK_KEYS + i];
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/*
 * The lookup goes by the binding hash, not by comparing keys along a walk:
 * a binding whose stored hash is not its key's is not found (a walk would
 * find it), and is found again once the hash is right. Eight bindings in
 * a fresh table: no resize moves it while its hash is wrong.
 */
static void lookup_is_by_hash(struct kunit *test)
{
	struct lk_t *t = test->priv;
	struct ip_vs_kaff_binding *b;
	unsigned int i;
	u64 h;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_NOT_NULL(test, lk_bind(t, lk_key(t, "h", i)));
	rcu_read_lock();
	b = ip_vs_kaff_lookup(t->s, (const u8 *)"h-5@test", 8);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_NULL(test, b);
	h = b->hash;
	WRITE_ONCE(b->hash, h ^ 1);
	KUNIT_EXPECT_NULL(test, lk_find(t, "h-5@test"));
	WRITE_ONCE(b->hash, h);
	KUNIT_EXPECT_NOT_NULL(test, lk_find(t, "h-5@test"));
}

/* binding-flush by call-id: that binding and no other, once. */
static void unbind_key_one(struct kunit *test)
{
	struct lk_t *t = test->priv;
	unsigned int i;

	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_NOT_NULL(test, lk_bind(t, lk_key(t, "u", i)));
	KUNIT_EXPECT_TRUE(test,
			  ip_vs_kaff_unbind_key(t->s, (const u8 *)"u-7@test", 8));
	KUNIT_EXPECT_FALSE(test,
			   ip_vs_kaff_unbind_key(t->s, (const u8 *)"u-7@test", 8));
	KUNIT_EXPECT_FALSE(test,
			   ip_vs_kaff_unbind_key(t->s, (const u8 *)"u-7@tes", 7));
	KUNIT_EXPECT_NULL(test, lk_find(t, "u-7@test"));
	KUNIT_EXPECT_NOT_NULL(test, lk_find(t, "u-8@test"));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->s->nbindings), 99);
}

static struct kunit_case ip_vs_udp_nl_sip_cases[] = {
	KUNIT_CASE(lookup_finds_its_own),
	KUNIT_CASE(lookup_is_by_hash),
	KUNIT_CASE(unbind_key_one),
	{}
};

static struct kunit_suite ip_vs_udp_nl_sip_suite = {
	.name = "ip_vs_udp_nl_sip",
	.init = lk_init,
	.exit = lk_exit,
	.test_cases = ip_vs_udp_nl_sip_cases,
};

kunit_test_suites(&ip_vs_udp_nl_suite, &ip_vs_udp_nl_sip_suite);
IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the ipvs_udp netlink attribute helpers and sip lookups");
MODULE_LICENSE("GPL");
