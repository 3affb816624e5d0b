// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the IPVS "reply" persistence engine's request table.
 *
 * ip_vs_pe_reply_txid: which ports get transaction matching, and reading
 * the DNS message ID and the RADIUS Identifier from a payload.
 *
 * ip_vs_pe_reply_latency: the latency histogram buckets and the EWMA.
 *
 * ip_vs_pe_reply_table: the table of outstanding requests driven through
 * ip_vs_pe_reply_record(), ip_vs_pe_reply_match() and ip_vs_pe_reply_gc()
 * with a synthetic clock (ns from an arbitrary origin), so that timeouts
 * are tested instantly: strict decisions (answer, duplicate, late,
 * unsolicited), per-transaction matching, refresh and re-arm, timeouts
 * counted once, the cap, garbage collection, the per-server counters.
 *
 * The comment above each case names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_pe_reply.h"
#include "compat.h"

#define MS		NSEC_PER_MSEC
#define T0		(1000ULL * NSEC_PER_SEC)	/* the clock's origin */
#define TIMEOUT_MS	5000

/* ---- ip_vs_pe_reply_txid ---- */

struct kind_case {
	const char	*name;
	u16		vport;
	u16		rport;
	u8		kind;
};

static const struct kind_case kind_cases[] = {
	/* DNS service on the standard port: per-query matching. */
	{ "dns 53->53", 53, 53, IP_VS_PE_REPLY_K_DNS },
	/* Port mapping VIP:53 -> RIP:5353 must still read the DNS ID. */
	{ "dns vport 53 only", 53, 5353, IP_VS_PE_REPLY_K_DNS },
	/* ... and the other way round (fwmark service, any VIP port). */
	{ "dns rport 53 only", 10053, 53, IP_VS_PE_REPLY_K_DNS },
	/* All four RADIUS ports, new and old. */
	{ "radius auth", 1812, 1812, IP_VS_PE_REPLY_K_RADIUS },
	{ "radius acct", 1813, 1813, IP_VS_PE_REPLY_K_RADIUS },
	{ "radius old auth", 1645, 1645, IP_VS_PE_REPLY_K_RADIUS },
	{ "radius old acct", 1646, 11646, IP_VS_PE_REPLY_K_RADIUS },
	/* Anything else is matched on addresses and ports only. */
	{ "syslog", 514, 514, IP_VS_PE_REPLY_K_ADDR },
	/* mDNS port is not DNS: no byte-order mix-up of 53 (0x0035). */
	{ "port 13568 (53 byte-swapped)", 13568, 13568,
	  IP_VS_PE_REPLY_K_ADDR },
	{ "port 0", 0, 0, IP_VS_PE_REPLY_K_ADDR },
};

static void kind_case_desc(const struct kind_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kind, kind_cases, kind_case_desc);

static void pe_reply_kind_test(struct kunit *test)
{
	const struct kind_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_kind(htons(c->vport),
						  htons(c->rport)), c->kind);
}

struct txid_case {
	const char	*name;
	u8		kind;
	u8		data[24];
	size_t		len;
	bool		found;
	u16		txid;
};

static const struct txid_case txid_cases[] = {
	/* The DNS ID is the first two bytes, big-endian. */
	{ "dns id", IP_VS_PE_REPLY_K_DNS,
	  { 0xbe, 0xef, 0x01, 0x00, 0, 1 }, 12, true, 0xbeef },
	/* ID 0 is a valid ID, not "none". */
	{ "dns id 0", IP_VS_PE_REPLY_K_DNS, { 0 }, 29, true, 0 },
	/* Shorter than a DNS header: not DNS, no ID (no over-read). */
	{ "dns 11 bytes", IP_VS_PE_REPLY_K_DNS, { 0x12, 0x34 }, 11, false },
	{ "dns empty", IP_VS_PE_REPLY_K_DNS, { 0 }, 0, false },
	/* RADIUS: Code, then the Identifier (byte 1). */
	{ "radius id", IP_VS_PE_REPLY_K_RADIUS,
	  { 1, 0xa7, 0, 20 }, 20, true, 0xa7 },
	/* The Code byte must not leak into the ID. */
	{ "radius code ignored", IP_VS_PE_REPLY_K_RADIUS,
	  { 2, 0x05, 0, 20 }, 38, true, 0x05 },
	/* Shorter than a RADIUS header (20 bytes). */
	{ "radius 19 bytes", IP_VS_PE_REPLY_K_RADIUS, { 1, 9 }, 19, false },
	/* Other protocols have no ID whatever the payload. */
	{ "addr only", IP_VS_PE_REPLY_K_ADDR, { 1, 2, 3 }, 24, false },
};

static void txid_case_desc(const struct txid_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(txid, txid_cases, txid_case_desc);

static void pe_reply_txid_test(struct kunit *test)
{
	const struct txid_case *c = test->param_value;
	u16 txid = 0x5a5a;
	u8 *buf;

	/* Exactly len bytes, so that KASAN catches any over-read. */
	buf = kunit_kmalloc(test, c->len ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, c->data, min(c->len, sizeof(c->data)));
	if (c->len > sizeof(c->data))
		memset(buf + sizeof(c->data), 0, c->len - sizeof(c->data));
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_txid(c->kind, buf, c->len, &txid),
			c->found);
	if (c->found)
		KUNIT_EXPECT_EQ(test, txid, c->txid);
	if (c->found)
		KUNIT_EXPECT_LE(test, ip_vs_pe_reply_hdr_len(c->kind), c->len);
}

static struct kunit_case pe_reply_txid_cases[] = {
	KUNIT_CASE_PARAM(pe_reply_kind_test, kind_gen_params),
	KUNIT_CASE_PARAM(pe_reply_txid_test, txid_gen_params),
	{}
};

static struct kunit_suite pe_reply_txid_suite = {
	.name = "ip_vs_pe_reply_txid",
	.test_cases = pe_reply_txid_cases,
};

/* ---- ip_vs_pe_reply_latency ---- */

struct bucket_case {
	const char	*name;
	u64		ns;
	unsigned int	bucket;
};

static const struct bucket_case bucket_cases[] = {
	/* Every boundary belongs to the bucket above it (< 1 ms, ...). */
	{ "0", 0, 0 },
	{ "1ms-1ns", MS - 1, 0 },
	{ "1ms", MS, 1 },
	{ "10ms-1ns", 10 * MS - 1, 1 },
	{ "10ms", 10 * MS, 2 },
	{ "100ms-1ns", 100 * MS - 1, 2 },
	{ "100ms", 100 * MS, 3 },
	{ "1s-1ns", NSEC_PER_SEC - 1, 3 },
	{ "1s", NSEC_PER_SEC, 4 },
	/* Huge values stay in the last bucket (no index overflow). */
	{ "1h", 3600ULL * NSEC_PER_SEC, 4 },
	{ "u64 max", U64_MAX, 4 },
};

static void bucket_case_desc(const struct bucket_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bucket, bucket_cases, bucket_case_desc);

static void pe_reply_bucket_test(struct kunit *test)
{
	const struct bucket_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_bucket(c->ns), c->bucket);
}

/* The EWMA starts at the first sample and moves 1/8 of the way. */
static void pe_reply_ewma_test(struct kunit *test)
{
	u64 avg;
	int i;

	/* No sample yet: the first one is the average. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_ewma(0, 800), 800);
	/* 1/8 of the difference, up and down. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_ewma(800, 1600), 900);
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_ewma(1600, 800), 1500);
	/* A 0 ns latency must not reset the average to "no sample". */
	KUNIT_EXPECT_NE(test, ip_vs_pe_reply_ewma(0, 0), 0);
	KUNIT_EXPECT_NE(test, ip_vs_pe_reply_ewma(1, 0), 0);
	/* Converges to a steady latency (no drift from rounding). */
	avg = ip_vs_pe_reply_ewma(0, 10 * MS);
	for (i = 0; i < 200; i++)
		avg = ip_vs_pe_reply_ewma(avg, 2 * MS);
	KUNIT_EXPECT_LE(test, avg, 2 * MS + 8);
	KUNIT_EXPECT_GE(test, avg, 2 * MS);
	/* No overflow for latencies near the top of u64. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_ewma(U64_MAX - 8, U64_MAX),
			U64_MAX - 7);
}

static struct kunit_case pe_reply_latency_cases[] = {
	KUNIT_CASE_PARAM(pe_reply_bucket_test, bucket_gen_params),
	KUNIT_CASE(pe_reply_ewma_test),
	{}
};

static struct kunit_suite pe_reply_latency_suite = {
	.name = "ip_vs_pe_reply_latency",
	.test_cases = pe_reply_latency_cases,
};

/* ---- ip_vs_pe_reply_table ---- */

struct table_fix {
	struct ip_vs_pe_reply_conf	conf;
	struct ip_vs_pe_reply_net	*pn;
};

static int table_init(struct kunit *test)
{
	struct table_fix *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->conf.timeout_ms = TIMEOUT_MS;
	f->conf.max_requests = 1000;
	f->pn = kzalloc(sizeof(*f->pn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->pn);
	KUNIT_ASSERT_EQ(test, ip_vs_pe_reply_net_init(f->pn, &f->conf, NULL),
			0);
	test->priv = f;
	return 0;
}

static void table_exit(struct kunit *test)
{
	struct table_fix *f = test->priv;

	synchronize_rcu();
	ip_vs_pe_reply_net_destroy(f->pn);
	/* Records and servers removed by the GC go by RCU callbacks. */
	rcu_barrier();
	kfree(f->pn);
}

/* A request from client 10.0.1.<c>:<cport> to server 10.0.2.<s>:<rport>. */
struct req {
	int	af;
	u8	client;
	u16	cport;
	u8	server;
	u16	rport;
	u16	vport;
	int	txid;		/* < 0: no ID */
};

static void fill_addr(int af, union nf_inet_addr *a, u8 net, u8 host)
{
	memset(a, 0, sizeof(*a));
	if (af == AF_INET6) {
		a->in6.s6_addr32[0] = htonl(0xfd000000 | net);
		a->in6.s6_addr32[3] = htonl(host);
	} else {
		a->ip = htonl(0x0a000000 | net << 8 | host);
	}
}

static u8 req_kind(const struct req *r)
{
	if (r->txid < 0)
		return IP_VS_PE_REPLY_K_ADDR;
	return ip_vs_pe_reply_kind(htons(r->vport), htons(r->rport));
}

static enum ip_vs_pe_reply_record_res send_req(struct kunit *test,
					       const struct req *r, u64 now)
{
	struct table_fix *f = test->priv;
	struct ip_vs_pe_reply_reqinfo info;
	enum ip_vs_pe_reply_record_res res;

	memset(&info, 0, sizeof(info));
	info.key.af = r->af ?: AF_INET;
	fill_addr(info.key.af, &info.key.caddr, 1, r->client);
	fill_addr(info.key.af, &info.key.raddr, 2, r->server);
	info.key.cport = htons(r->cport);
	info.key.rport = htons(r->rport);
	info.key.kind = req_kind(r);
	info.key.txid = r->txid < 0 ? 0 : r->txid;
	fill_addr(info.key.af, &info.vaddr, 100, 1);
	info.vport = htons(r->vport);
	rcu_read_lock();
	res = ip_vs_pe_reply_record(f->pn, &info, now);
	rcu_read_unlock();
	return res;
}

/* The reply to @r, with its own transaction ID @txid (< 0: none). */
static enum ip_vs_pe_reply_verdict send_reply(struct kunit *test,
					      const struct req *r, int txid,
					      u64 now)
{
	struct table_fix *f = test->priv;
	enum ip_vs_pe_reply_verdict v;
	struct ip_vs_pe_reply_key key;
	union nf_inet_addr vaddr, want;
	u8 payload[IP_VS_PE_REPLY_HDR_MAX] = { 0 };
	__be16 vport = 0;
	size_t len = 0;

	memset(&key, 0, sizeof(key));
	key.af = r->af ?: AF_INET;
	fill_addr(key.af, &key.caddr, 1, r->client);
	fill_addr(key.af, &key.raddr, 2, r->server);
	key.cport = htons(r->cport);
	key.rport = htons(r->rport);
	if (txid >= 0) {
		len = sizeof(payload);
		payload[0] = txid >> 8;
		payload[1] = txid & 0xff;
		if (req_kind(r) == IP_VS_PE_REPLY_K_RADIUS) {
			payload[0] = 2;
			payload[1] = txid;
		}
	}
	memset(&vaddr, 0xa5, sizeof(vaddr));
	rcu_read_lock();
	v = ip_vs_pe_reply_match(f->pn, &key, payload, len, now, &vaddr,
				 &vport);
	rcu_read_unlock();
	if (v == IP_VS_PE_REPLY_ANSWER || v == IP_VS_PE_REPLY_DUPLICATE) {
		/* A translated reply leaves from the address the client used. */
		fill_addr(key.af, &want, 100, 1);
		KUNIT_EXPECT_TRUE(test, ip_vs_addr_equal(key.af, &vaddr, &want));
		KUNIT_EXPECT_EQ(test, ntohs(vport), r->vport);
	}
	return v;
}

static struct ip_vs_pe_reply_dest *server(struct kunit *test, int af, u8 s,
					  u16 port)
{
	struct table_fix *f = test->priv;
	struct ip_vs_pe_reply_dest *d;
	union nf_inet_addr a;

	fill_addr(af ?: AF_INET, &a, 2, s);
	rcu_read_lock();
	d = ip_vs_pe_reply_dest_find(f->pn, af ?: AF_INET, &a, htons(port));
	rcu_read_unlock();
	return d;
}

static int outstanding(struct kunit *test, u8 s, u16 port)
{
	struct ip_vs_pe_reply_dest *d = server(test, AF_INET, s, port);

	return d ? atomic_read(&d->outstanding) : -1;
}

static struct ip_vs_pe_reply_dstats dstats(struct kunit *test, u8 s,
					   u16 port)
{
	struct ip_vs_pe_reply_dest *d = server(test, AF_INET, s, port);
	struct ip_vs_pe_reply_dstats st = { 0 };

	KUNIT_EXPECT_NOT_NULL(test, d);
	if (d)
		ip_vs_pe_reply_dstats_sum(d, &st);
	return st;
}

static struct ip_vs_pe_reply_stats gstats(struct kunit *test)
{
	struct table_fix *f = test->priv;
	struct ip_vs_pe_reply_stats st;

	ip_vs_pe_reply_stats_sum(f->pn, &st);
	return st;
}

static const struct req udp5353 = {
	.client = 1, .cport = 40000, .server = 11, .rport = 5353,
	.vport = 5353, .txid = -1,
};

static const struct req dns = {
	.client = 1, .cport = 40000, .server = 11, .rport = 53, .vport = 53,
	.txid = 0x1234,
};

/* A reply to a recorded request is translated, once counted as answer. */
static void table_answer_test(struct kunit *test)
{
	struct ip_vs_pe_reply_dstats st;

	KUNIT_EXPECT_EQ(test, send_req(test, &udp5353, T0),
			IP_VS_PE_REPLY_RECORDED);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 1);
	KUNIT_EXPECT_EQ(test, send_reply(test, &udp5353, -1, T0 + 3 * MS),
			IP_VS_PE_REPLY_ANSWER);
	/* Outstanding goes back to 0 (lor would starve the server else). */
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 0);
	st = dstats(test, 11, 5353);
	KUNIT_EXPECT_EQ(test, st.requests, 1);
	KUNIT_EXPECT_EQ(test, st.replies, 1);
	KUNIT_EXPECT_EQ(test, st.timeouts, 0);
	/* 3 ms lands in the 1..10 ms bucket, and is the first EWMA sample. */
	KUNIT_EXPECT_EQ(test, st.hist[1], 1);
	KUNIT_EXPECT_EQ(test, server(test, 0, 11, 5353)->ewma_ns, 3 * MS);
	KUNIT_EXPECT_EQ(test, gstats(test).replies, 1);
}

/* A second reply in time is a duplicate: translated, counted apart. */
static void table_duplicate_test(struct kunit *test)
{
	send_req(test, &dns, T0);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, T0 + MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, T0 + 2 * MS),
			IP_VS_PE_REPLY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, T0 + 3 * MS),
			IP_VS_PE_REPLY_DUPLICATE);
	/* Duplicates neither count as replies nor drive outstanding < 0. */
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).replies, 1);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).duplicates, 2);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
	KUNIT_EXPECT_EQ(test, gstats(test).duplicates, 2);
}

/*
 * A lookup alone (IPVS then made no connection entry for the reply)
 * leaves the request pending: the next reply is its answer, not a
 * duplicate, and a commit of a committed record is a duplicate.
 */
static void table_lookup_without_commit_test(struct kunit *test)
{
	struct table_fix *f = test->priv;
	struct ip_vs_pe_reply_req *r1, *r2;
	struct ip_vs_pe_reply_key key;
	union nf_inet_addr vaddr;
	__be16 vport;

	send_req(test, &udp5353, T0);
	memset(&key, 0, sizeof(key));
	key.af = AF_INET;
	fill_addr(AF_INET, &key.caddr, 1, udp5353.client);
	fill_addr(AF_INET, &key.raddr, 2, udp5353.server);
	key.cport = htons(udp5353.cport);
	key.rport = htons(udp5353.rport);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_lookup(f->pn, &key, NULL, 0,
						    T0 + MS, &vaddr, &vport,
						    &r1),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_NOT_NULL(test, r1);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 1);
	KUNIT_EXPECT_EQ(test, gstats(test).replies, 0);

	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_lookup(f->pn, &key, NULL, 0,
						    T0 + 2 * MS, &vaddr,
						    &vport, &r2),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_PTR_EQ(test, r1, r2);
	if (r2) {
		KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_commit(f->pn, r2,
							    T0 + 2 * MS),
				IP_VS_PE_REPLY_ANSWER);
		KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_commit(f->pn, r2,
							    T0 + 3 * MS),
				IP_VS_PE_REPLY_DUPLICATE);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 0);
	KUNIT_EXPECT_EQ(test, gstats(test).replies, 1);
	KUNIT_EXPECT_EQ(test, gstats(test).duplicates, 1);
	/* Latency from the request to the reply that was translated. */
	KUNIT_EXPECT_EQ(test, server(test, 0, 11, 5353)->ewma_ns, 2 * MS);
}

/* After the timeout a reply is late: passed unchanged, timeout counted. */
static void table_late_test(struct kunit *test)
{
	u64 late = T0 + TIMEOUT_MS * MS + 1;

	send_req(test, &dns, T0);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, late),
			IP_VS_PE_REPLY_LATE);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).late, 1);
	/* The GC must not count the same timeout a second time. */
	ip_vs_pe_reply_gc(((struct table_fix *)test->priv)->pn, late + MS);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	KUNIT_EXPECT_EQ(test, gstats(test).timeouts, 1);
	/* Another late reply stays late (record kept for one more timeout). */
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, late + 2 * MS),
			IP_VS_PE_REPLY_LATE);
	KUNIT_EXPECT_EQ(test, gstats(test).late, 2);
	KUNIT_EXPECT_EQ(test, gstats(test).replies, 0);
	/* ... without counting the timeout again (outstanding would go < 0). */
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
}

/* The deadline is inclusive: a reply at exactly timeout is an answer. */
static void table_deadline_test(struct kunit *test)
{
	send_req(test, &dns, T0);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid,
					 T0 + TIMEOUT_MS * MS),
			IP_VS_PE_REPLY_ANSWER);
	/* Latency of 5 s goes to the >= 1 s bucket. */
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).hist[4], 1);
}

/*
 * Strict: anything but the exact reverse of a recorded request is
 * unsolicited, never given the service's address (the sip engine's flaw).
 */
static void table_unsolicited_test(struct kunit *test)
{
	struct req other = udp5353;

	/* No request ever went to this server. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &udp5353, -1, T0),
			IP_VS_PE_REPLY_UNSOLICITED);
	send_req(test, &udp5353, T0);
	/* Same server and client, another client port. */
	other.cport++;
	KUNIT_EXPECT_EQ(test, send_reply(test, &other, -1, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* Same client port, another client address. */
	other = udp5353;
	other.client = 2;
	KUNIT_EXPECT_EQ(test, send_reply(test, &other, -1, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* Another server answering for the one the request went to. */
	other = udp5353;
	other.server = 12;
	KUNIT_EXPECT_EQ(test, send_reply(test, &other, -1, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	KUNIT_EXPECT_EQ(test, gstats(test).unsolicited, 4);
	/* None of that touched the real request. */
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 1);
	KUNIT_EXPECT_EQ(test, send_reply(test, &udp5353, -1, T0 + 2 * MS),
			IP_VS_PE_REPLY_ANSWER);
}

/* Many DNS queries from one client port to one server are distinct. */
static void table_dns_ids_test(struct kunit *test)
{
	struct req q = dns;
	int i;

	for (i = 0; i < 3; i++) {
		q.txid = 100 + i;
		KUNIT_EXPECT_EQ(test, send_req(test, &q, T0 + i * MS),
				IP_VS_PE_REPLY_RECORDED);
	}
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 3);
	/* A reply with an ID that was never asked is unsolicited. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 999, T0 + 5 * MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* No ID at all (truncated reply) does not match a query either. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, -1, T0 + 5 * MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* Out of order answers each match their own query. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 102, T0 + 6 * MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 100, T0 + 7 * MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 1);
	/* The second answer to 102 is a duplicate, not an answer to 101. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 102, T0 + 8 * MS),
			IP_VS_PE_REPLY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 1);
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 101, T0 + 9 * MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
}

/* RADIUS requests are told apart by their Identifier. */
static void table_radius_ids_test(struct kunit *test)
{
	struct req r = { .client = 1, .cport = 50000, .server = 12,
			 .rport = 1812, .vport = 1812, .txid = 7 };

	send_req(test, &r, T0);
	r.txid = 8;
	send_req(test, &r, T0);
	KUNIT_EXPECT_EQ(test, outstanding(test, 12, 1812), 2);
	KUNIT_EXPECT_EQ(test, send_reply(test, &r, 9, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	KUNIT_EXPECT_EQ(test, send_reply(test, &r, 7, T0 + MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, send_reply(test, &r, 8, T0 + MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, outstanding(test, 12, 1812), 0);
}

/* Other protocols: one record per 4-tuple, refreshed, then re-armed. */
static void table_refresh_rearm_test(struct kunit *test)
{
	struct table_fix *f = test->priv;

	KUNIT_EXPECT_EQ(test, send_req(test, &udp5353, T0),
			IP_VS_PE_REPLY_RECORDED);
	/* Still pending: same request (a retransmission), later deadline. */
	KUNIT_EXPECT_EQ(test, send_req(test, &udp5353, T0 + 4000 * MS),
			IP_VS_PE_REPLY_REFRESHED);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 1);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 1);
	/* The refreshed deadline counts, not the first one. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &udp5353, -1, T0 + 8000 * MS),
			IP_VS_PE_REPLY_ANSWER);
	/* Answered: the next request is a new one, outstanding again. */
	KUNIT_EXPECT_EQ(test, send_req(test, &udp5353, T0 + 8001 * MS),
			IP_VS_PE_REPLY_REARMED);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 5353), 1);
	KUNIT_EXPECT_EQ(test, send_reply(test, &udp5353, -1, T0 + 8002 * MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 5353).requests, 3);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 5353).replies, 2);
}

/* A timed-out request re-sent is re-armed and can be answered again. */
static void table_rearm_after_timeout_test(struct kunit *test)
{
	struct table_fix *f = test->priv;
	u64 t1 = T0 + (TIMEOUT_MS + 1) * MS;

	send_req(test, &dns, T0);
	ip_vs_pe_reply_gc(f->pn, t1);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
	KUNIT_EXPECT_EQ(test, send_req(test, &dns, t1),
			IP_VS_PE_REPLY_REARMED);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 1);
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid, t1 + MS),
			IP_VS_PE_REPLY_ANSWER);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
}

/*
 * GC: pending past the deadline -> one timeout, kept one more timeout
 * for late replies, then removed; answered -> removed at the deadline.
 */
static void table_gc_test(struct kunit *test)
{
	struct table_fix *f = test->priv;
	struct req a = dns, b = dns;
	u64 dl = T0 + TIMEOUT_MS * MS;

	b.txid = 2;
	send_req(test, &a, T0);
	send_req(test, &b, T0);
	send_reply(test, &b, b.txid, T0 + MS);
	/* Before the deadline nothing goes. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_gc(f->pn, dl), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 2);
	/* After: the answer goes, the unanswered one times out and stays. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_gc(f->pn, dl + 1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 1);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 0);
	/* Repeated GC runs do not count it again. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_gc(f->pn, dl + 2), 0);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).timeouts, 1);
	/* One more timeout later it goes as well. */
	KUNIT_EXPECT_EQ(test, ip_vs_pe_reply_gc(f->pn,
						dl + TIMEOUT_MS * MS + 1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 0);
	/* Gone: a reply now is unsolicited, not late. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &a, a.txid, dl + 2 * dl),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* The server's counters stay while it is not idle for long. */
	KUNIT_EXPECT_NOT_NULL(test, server(test, 0, 11, 53));
}

/* A server idle for long with no records loses its counters (memory). */
static void table_dest_idle_test(struct kunit *test)
{
	struct table_fix *f = test->priv;
	u64 t = T0 + 2 * TIMEOUT_MS * MS + 1;

	send_req(test, &dns, T0);
	send_reply(test, &dns, dns.txid, T0 + MS);
	ip_vs_pe_reply_gc(f->pn, t);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 0);
	KUNIT_EXPECT_NOT_NULL(test, server(test, 0, 11, 53));
	ip_vs_pe_reply_gc(f->pn, T0 + IP_VS_PE_REPLY_DEST_IDLE_NS + MS);
	KUNIT_EXPECT_NULL(test, server(test, 0, 11, 53));
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->ndests), 0);
	/* ... and gets fresh ones on its next request. */
	KUNIT_EXPECT_EQ(test, send_req(test, &dns,
				       T0 + IP_VS_PE_REPLY_DEST_IDLE_NS + 2),
			IP_VS_PE_REPLY_RECORDED);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).requests, 1);
}

/* A server with outstanding records is never removed, however idle. */
static void table_dest_busy_test(struct kunit *test)
{
	struct table_fix *f = test->priv;

	f->conf.timeout_ms = 2000 * 1000;	/* longer than the idle time */
	send_req(test, &dns, T0);
	ip_vs_pe_reply_gc(f->pn, T0 + IP_VS_PE_REPLY_DEST_IDLE_NS + MS);
	KUNIT_EXPECT_NOT_NULL(test, server(test, 0, 11, 53));
	KUNIT_EXPECT_EQ(test, send_reply(test, &dns, dns.txid,
					 T0 + IP_VS_PE_REPLY_DEST_IDLE_NS + 2),
			IP_VS_PE_REPLY_ANSWER);
}

/* At the cap new requests are refused (counted); room comes back. */
static void table_cap_test(struct kunit *test)
{
	struct table_fix *f = test->priv;
	struct req q = dns;
	int i;

	f->conf.max_requests = 4;
	for (i = 0; i < 6; i++) {
		q.txid = i;
		KUNIT_EXPECT_EQ(test, send_req(test, &q, T0),
				i < 4 ? IP_VS_PE_REPLY_RECORDED :
				IP_VS_PE_REPLY_REFUSED);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 4);
	KUNIT_EXPECT_EQ(test, gstats(test).refused, 2);
	/* Refused requests are not outstanding (lor must not count them). */
	KUNIT_EXPECT_EQ(test, outstanding(test, 11, 53), 4);
	/* Their replies pass unchanged. */
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, 5, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	/* A refresh of a recorded key still works at the cap. */
	q.txid = 0;
	KUNIT_EXPECT_EQ(test, send_req(test, &q, T0 + MS),
			IP_VS_PE_REPLY_REFRESHED);
	for (i = 0; i < 4; i++) {
		q.txid = i;
		send_reply(test, &q, i, T0 + 2 * MS);
	}
	ip_vs_pe_reply_gc(f->pn, T0 + (TIMEOUT_MS + 2) * MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->pn->nreqs), 0);
	q.txid = 5;
	KUNIT_EXPECT_EQ(test, send_req(test, &q, T0 + (TIMEOUT_MS + 3) * MS),
			IP_VS_PE_REPLY_RECORDED);
}

/* IPv6 requests and replies; an IPv4 lookup never matches them. */
static void table_ipv6_test(struct kunit *test)
{
	struct req q = dns, q4 = dns;

	q.af = AF_INET6;
	KUNIT_EXPECT_EQ(test, send_req(test, &q, T0),
			IP_VS_PE_REPLY_RECORDED);
	KUNIT_EXPECT_NOT_NULL(test, server(test, AF_INET6, 11, 53));
	KUNIT_EXPECT_NULL(test, server(test, AF_INET, 11, 53));
	q4.af = AF_INET;
	KUNIT_EXPECT_EQ(test, send_reply(test, &q4, dns.txid, T0 + MS),
			IP_VS_PE_REPLY_UNSOLICITED);
	KUNIT_EXPECT_EQ(test, send_reply(test, &q, dns.txid, T0 + MS),
			IP_VS_PE_REPLY_ANSWER);
}

/* The per-server latency accounting over several replies. */
static void table_latency_test(struct kunit *test)
{
	static const u64 lat[] = { 500 * 1000, 2 * MS, 20 * MS, 200 * MS,
				   2000 * MS, 3 * MS };
	struct ip_vs_pe_reply_dstats st;
	struct req q = dns;
	u64 ewma = 0, sum = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lat); i++) {
		q.txid = i;
		send_req(test, &q, T0 + i * NSEC_PER_SEC);
		KUNIT_EXPECT_EQ(test, send_reply(test, &q, i,
						 T0 + i * NSEC_PER_SEC +
						 lat[i]),
				IP_VS_PE_REPLY_ANSWER);
		ewma = ip_vs_pe_reply_ewma(ewma, lat[i]);
		sum += lat[i];
	}
	st = dstats(test, 11, 53);
	/* The histogram's sum: every first reply's latency. */
	KUNIT_EXPECT_EQ(test, st.lat_sum_ns, sum);
	KUNIT_EXPECT_EQ(test, st.hist[0], 1);
	KUNIT_EXPECT_EQ(test, st.hist[1], 2);
	KUNIT_EXPECT_EQ(test, st.hist[2], 1);
	KUNIT_EXPECT_EQ(test, st.hist[3], 1);
	KUNIT_EXPECT_EQ(test, st.hist[4], 1);
	KUNIT_EXPECT_EQ(test, server(test, 0, 11, 53)->ewma_ns, ewma);
	/* Duplicates and late replies are no latency samples. */
	send_reply(test, &q, 5, T0 + 100 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, server(test, 0, 11, 53)->ewma_ns, ewma);
	KUNIT_EXPECT_EQ(test, dstats(test, 11, 53).lat_sum_ns, sum);
}

static struct kunit_case pe_reply_table_cases[] = {
	KUNIT_CASE(table_answer_test),
	KUNIT_CASE(table_duplicate_test),
	KUNIT_CASE(table_lookup_without_commit_test),
	KUNIT_CASE(table_late_test),
	KUNIT_CASE(table_deadline_test),
	KUNIT_CASE(table_unsolicited_test),
	KUNIT_CASE(table_dns_ids_test),
	KUNIT_CASE(table_radius_ids_test),
	KUNIT_CASE(table_refresh_rearm_test),
	KUNIT_CASE(table_rearm_after_timeout_test),
	KUNIT_CASE(table_gc_test),
	KUNIT_CASE(table_dest_idle_test),
	KUNIT_CASE(table_dest_busy_test),
	KUNIT_CASE(table_cap_test),
	KUNIT_CASE(table_ipv6_test),
	KUNIT_CASE(table_latency_test),
	{}
};

static struct kunit_suite pe_reply_table_suite = {
	.name = "ip_vs_pe_reply_table",
	.init = table_init,
	.exit = table_exit,
	.test_cases = pe_reply_table_cases,
};

kunit_test_suites(&pe_reply_txid_suite, &pe_reply_latency_suite,
		  &pe_reply_table_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS reply persistence engine");
MODULE_LICENSE("GPL");
