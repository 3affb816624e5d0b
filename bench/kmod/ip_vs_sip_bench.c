// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel micro-benchmark of the sip scheduler's per-message work, run by
 * bench/sip-kernel-cost.sh in the UML test kernel. Loading the module runs
 * it and prints one "ip_vs_sip_bench:" line per figure; it then stays
 * loaded doing nothing until removed.
 *
 *  - key extraction (ip_vs_sip_parse) of a typical INVITE, against one
 *    memchr() pass over the same bytes (the least any parser must do);
 *  - a new Call-ID per message (the throughput benchmark's traffic): the
 *    cost of each step, parse, hash, consistent-hash pick, binding;
 *  - extraction + placement hash + binding lookup with 1k, 100k and 1M
 *    bindings in the table, the memory each binding costs, and what one
 *    gc walk over the table costs per binding;
 *  - cost curves of a new Call-ID per message (parse, hash, pick, bind)
 *    over the number of real servers (3, 64, 1024) and over the Call-ID's
 *    length (16 to 255 bytes).
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmstat.h>

#include "ip_vs_sip.h"
#include "compat.h"

IPVS_UDP_IMPORT_KUNIT_NS();

static unsigned int iterations = 1000000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "Messages per measurement (1000000)");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only,
		 "Run one part: parse, new, bind (new Call-IDs, binding stage only, for a profiler), lookup, servers, callid");

static bool bench_want(const char *part)
{
	return !only || !*only || !strcmp(only, part);
}

static const char invite_fmt[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: %08x-a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 142\r\n"
	"\r\n"
	"v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n"
	"s=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

#define MSG_LEN	640

static struct ip_vs_dest bench_dests[3];
static LIST_HEAD(bench_list);

static u64 bench_ns(void)
{
	return ktime_get_ns();
}

static void bench_parse(void)
{
	char *msg = kmalloc(MSG_LEN, GFP_KERNEL);
	struct ip_vs_sip_msg m;
	unsigned int i, found = 0;
	u64 t0, t_parse, t_memchr;
	size_t len;

	if (!msg)
		return;
	len = scnprintf(msg, MSG_LEN, invite_fmt, 1u);

	t0 = bench_ns();
	for (i = 0; i < iterations; i++) {
		barrier();
		found += !ip_vs_sip_parse((u8 *)msg, len, &m);
	}
	t_parse = bench_ns() - t0;

	t0 = bench_ns();
	for (i = 0; i < iterations; i++) {
		barrier();
		found += !memchr(msg, 0, len);	/* scans every byte */
	}
	t_memchr = bench_ns() - t0;

	pr_info("ip_vs_sip_bench: msg_bytes=%zu parse_ns=%llu memchr_ns=%llu parse_vs_memchr_x100=%llu (found %u)\n",
		len, div_u64(t_parse, iterations), div_u64(t_memchr, iterations),
		div64_u64(t_parse * 100, max_t(u64, t_memchr, 1)), found);
	kfree(msg);
}

static bool bench_keep(struct ip_vs_kaff_binding *b, unsigned long arg)
{
	return false;
}

struct bench_table {
	unsigned int		nbind;
	struct ip_vs_kaff_svc	*s;
	unsigned long		bytes;	/* slab growth per binding */
	char			*msgs;	/* BENCH_NMSG messages of its calls */
	size_t			lens[64];
	u64			block_ns[16];
};

#define BENCH_NMSG	64
#define BENCH_ROUNDS	9

static int bench_fill(struct bench_table *b)
{
	struct ip_vs_kaff_table *t;
	unsigned long slab0, slab1;
	unsigned int i;

	b->msgs = kvmalloc(BENCH_NMSG * MSG_LEN, GFP_KERNEL);
	if (!b->msgs)
		return -ENOMEM;
	b->s = ip_vs_sip_svc_create(NULL, &bench_list);
	if (IS_ERR(b->s)) {
		kvfree(b->msgs);
		return PTR_ERR(b->s);
	}
	b->s->conf.max_bindings = b->nbind;
	t = rcu_dereference_protected(b->s->table, 1);

	slab0 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	for (i = 0; i < b->nbind; i++) {
		struct ip_vs_sip_msg m;
		char buf[MSG_LEN];
		size_t len = scnprintf(buf, sizeof(buf), invite_fmt, i);

		if (ip_vs_sip_parse((u8 *)buf, len, &m))
			break;
		rcu_read_lock();
		ip_vs_sip_bind(b->s, t, &m,
			       ip_vs_kaff_hash_key(t, m.callid, m.callid_len),
			       false, jiffies);
		rcu_read_unlock();
		if (i % 256 == 0)
			cond_resched();
	}
	/* Tables outgrown on the way are freed after a grace period. */
	rcu_barrier();
	slab1 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	b->bytes = atomic_read(&b->s->nbindings) ?
		   (slab1 - slab0) * PAGE_SIZE /
		   atomic_read(&b->s->nbindings) : 0;
	/* Messages of existing calls spread over the whole table. */
	for (i = 0; i < BENCH_NMSG; i++)
		b->lens[i] = scnprintf(b->msgs + i * MSG_LEN, MSG_LEN,
				       invite_fmt,
				       (u32)(((u64)i * 2654435761u) %
					     b->nbind));
	return 0;
}

static u64 bench_block(struct bench_table *b, unsigned int n)
{
	struct ip_vs_kaff_table *t;
	unsigned int i;
	u64 t0;

	t = rcu_dereference_protected(b->s->table, 1);
	t0 = bench_ns();
	for (i = 0; i < n; i++) {
		const u8 *p = b->msgs + (i % BENCH_NMSG) * MSG_LEN;
		struct ip_vs_sip_msg m;

		if (ip_vs_sip_parse(p, b->lens[i % BENCH_NMSG], &m))
			continue;
		rcu_read_lock();
		ip_vs_sip_bind(b->s, t, &m,
			       ip_vs_kaff_hash_key(t, m.callid, m.callid_len),
			       false, jiffies);
		rcu_read_unlock();
	}
	return bench_ns() - t0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Extraction + placement hash + lookup of existing calls in tables of 1k,
 * 100k and 1M bindings. All three tables exist at once and are measured
 * in interleaved blocks (BENCH_ROUNDS rounds, each table once per round);
 * the median block of each table is reported, so that a slow period of a
 * shared machine falls on all three alike.
 */
static void bench_lookup(void)
{
	static struct bench_table tabs[] = {
		{ .nbind = 1000 }, { .nbind = 100000 }, { .nbind = 1000000 },
	};
	unsigned int n = max(iterations / BENCH_ROUNDS, 1u), r, k;

	for (k = 0; k < ARRAY_SIZE(tabs); k++)
		if (bench_fill(&tabs[k]))
			goto out;
	/* Let the binding tables finish growing (the workqueue) first. */
	msleep(2000);

	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (k = 0; k < ARRAY_SIZE(tabs); k++)
			tabs[k].block_ns[r] = bench_block(&tabs[k], n);
		cond_resched();
	}
	for (k = 0; k < ARRAY_SIZE(tabs); k++) {
		struct bench_table *b = &tabs[k];
		u64 walk, t0;

		struct ip_vs_kaff_tab *tbl;
		unsigned long tab, vtab;

		sort(b->block_ns, BENCH_ROUNDS, sizeof(u64), bench_cmp_u64,
		     NULL);
		/*
		 * The bucket array, when vmalloc'ed: not in the slab figure.
		 * (kvmalloc() first tries kmalloc(), whose large allocations
		 * the slab counter includes.)
		 */
		rcu_read_lock();
		tbl = rcu_dereference(b->s->bindings);
		tab = ip_vs_kaff_tab_buckets(tbl) *
		      sizeof(struct ip_vs_kaff_bkt);
		vtab = is_vmalloc_addr(tbl->bkt) ? tab : 0;
		rcu_read_unlock();
		/* What a gc walk that finds nothing to remove costs. */
		t0 = bench_ns();
		ip_vs_kaff_walk(b->s, bench_keep, 0);
		walk = bench_ns() - t0;
		pr_info("ip_vs_sip_bench: bindings=%u per_message_ns=%llu (min %llu max %llu) bytes_per_binding=%lu (table %lu) walk_ns_per_binding=%llu\n",
			atomic_read(&b->s->nbindings),
			div_u64(b->block_ns[BENCH_ROUNDS / 2], n),
			div_u64(b->block_ns[0], n),
			div_u64(b->block_ns[BENCH_ROUNDS - 1], n),
			b->bytes + vtab / max_t(u32, atomic_read(&b->s->nbindings), 1),
			tab / max_t(u32, atomic_read(&b->s->nbindings), 1),
			div_u64(walk, max_t(u32, atomic_read(&b->s->nbindings),
					    1)));
	}
	pr_info("ip_vs_sip_bench: lookup 1M/1k median ratio x100=%llu\n",
		div64_u64(tabs[2].block_ns[BENCH_ROUNDS / 2] * 100,
			  max_t(u64, tabs[0].block_ns[BENCH_ROUNDS / 2], 1)));
out:
	for (k = 0; k < ARRAY_SIZE(tabs); k++) {
		if (IS_ERR_OR_NULL(tabs[k].s))
			continue;
		ip_vs_kaff_flush(tabs[k].s);
		ip_vs_kaff_svc_destroy(tabs[k].s);
		kvfree(tabs[k].msgs);
	}
}

/*
 * The throughput benchmark's traffic: a new Call-ID in every message.
 * Each stage adds one step of the scheduler's work on top of the one
 * before, over the same sequence of fresh Call-IDs; the differences are
 * what each step costs. "bind" creates a binding per message (cap above
 * the number of messages), as -s sip -o does until the cap; "bind-again"
 * does the same once more in a new service, on memory the first pass
 * already touched (UML pays a host page fault for the first touch of
 * every page of its memory).
 */
static void bench_new_calls(bool bind_only)
{
	static const char * const stage[] = {
		"write-key", "parse", "hash", "pick", "bind", "bind-again",
	};
	struct ip_vs_kaff_table *t;
	struct ip_vs_kaff_svc *s;
	struct ip_vs_sip_msg m;
	unsigned int i, st, off, found = 0;
	u64 t0, dt[ARRAY_SIZE(stage)], refused = 0;
	char *msg, *cid;
	size_t len;

	msg = kmalloc(MSG_LEN, GFP_KERNEL);
	if (!msg)
		return;
	len = scnprintf(msg, MSG_LEN, invite_fmt, 0u);
	cid = strstr(msg, "Call-ID: ");
	if (!cid)
		goto out;
	off = cid - msg + strlen("Call-ID: ");

	for (st = 0; st < ARRAY_SIZE(stage); st++) {
		if (bind_only && st != 4) {
			dt[st] = 0;
			continue;
		}
		s = ip_vs_sip_svc_create(NULL, &bench_list);
		if (IS_ERR(s))
			goto out;
		s->conf.max_bindings = iterations + 1;
		t = rcu_dereference_protected(s->table, 1);
		t0 = bench_ns();
		for (i = 0; i < iterations; i++) {
			u32 v = i * 2654435761u;
			u64 h;
			int k;

			for (k = 7; k >= 0; k--, v >>= 4)
				msg[off + k] = "0123456789abcdef"[v & 15];
			barrier();
			if (st < 1)
				continue;
			if (ip_vs_sip_parse((u8 *)msg, len, &m))
				continue;
			if (st < 2)
				continue;
			h = ip_vs_kaff_hash_key(t, m.callid, m.callid_len);
			if (st < 3)
				continue;
			rcu_read_lock();
			if (st < 4)
				found += !!ip_vs_kaff_table_pick(t, h);
			else
				found += !!ip_vs_sip_bind(s, t, &m, h, false,
							  jiffies);
			rcu_read_unlock();
			/*
			 * Often enough for the binding table's own work
			 * (a resize) to run, inside the measured time.
			 */
			if (i % 256 == 0)
				cond_resched();
		}
		dt[st] = bench_ns() - t0;
		if (st >= 4) {
			struct ip_vs_kaff_stats sum;

			ip_vs_kaff_stats_sum(s, &sum);
			refused += sum.refused;
		}
		ip_vs_kaff_flush(s);
		ip_vs_kaff_svc_destroy(s);
		rcu_barrier();
	}
	for (st = 0; st < ARRAY_SIZE(stage); st++)
		pr_info("ip_vs_sip_bench: new_callid stage=%s cumulative_ns=%llu step_ns=%lld\n",
			stage[st], div_u64(dt[st], iterations),
			st ? (s64)div_u64(dt[st], iterations) -
			     (s64)div_u64(dt[st - 1], iterations) : 0);
	pr_info("ip_vs_sip_bench: new_callid messages=%u (placed %u, not bound %llu)\n",
		iterations, found, refused);
out:
	kfree(msg);
}

/* ---------------------------------------------------------- cost curves */

/* Messages per point of a curve, over all its rounds. */
#define CURVE_MESSAGES	400000
#define CURVE_MSG_LEN	1024

static const char invite_head[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: ";
static const char invite_tail[] =
	"\r\nCSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

struct bench_point {
	unsigned int		x;	/* servers, or Call-ID bytes */
	struct list_head	list;	/* its servers */
	struct ip_vs_dest	*dests;
	struct ip_vs_kaff_svc	*s;
	char			*msg;
	size_t			len;
	u64			block_ns[BENCH_ROUNDS];
};

/* @p's @n servers, 10.1.0.0 up, weight 1. */
static int bench_point_dests(struct bench_point *p, unsigned int n)
{
	unsigned int i;

	INIT_LIST_HEAD(&p->list);
	p->dests = kcalloc(n, sizeof(*p->dests), GFP_KERNEL);
	if (!p->dests)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct ip_vs_dest *d = &p->dests[i];

		d->af = AF_INET;
		d->addr.ip = htonl(0x0a010000 + i);
		d->port = htons(5060);
		atomic_set(&d->weight, 1);
		atomic_set(&d->last_weight, 1);
		refcount_set(&d->refcnt, 1);
		list_add_tail(&d->n_list, &p->list);
	}
	return 0;
}

/* @p's service over its servers, and an INVITE with a @cid_len Call-ID. */
static int bench_point_init(struct bench_point *p, unsigned int nservers,
			    unsigned int cid_len)
{
	size_t n;
	int ret;

	ret = bench_point_dests(p, nservers);
	if (ret)
		return ret;
	p->s = ip_vs_sip_svc_create(NULL, &p->list);
	if (IS_ERR(p->s)) {
		ret = PTR_ERR(p->s);
		p->s = NULL;
		return ret;
	}
	p->s->conf.max_bindings = CURVE_MESSAGES + 1;
	p->msg = kmalloc(CURVE_MSG_LEN, GFP_KERNEL);
	if (!p->msg)
		return -ENOMEM;
	n = strscpy(p->msg, invite_head, CURVE_MSG_LEN);
	memset(p->msg + n, 'c', cid_len);
	n += cid_len;
	n += strscpy(p->msg + n, invite_tail, CURVE_MSG_LEN - n);
	p->len = n;
	return 0;
}

static void bench_point_free(struct bench_point *p)
{
	if (p->s) {
		ip_vs_kaff_flush(p->s);
		ip_vs_kaff_svc_destroy(p->s);
	}
	rcu_barrier();
	kfree(p->dests);
	kfree(p->msg);
}

/*
 * @n new Call-IDs (numbers @first on, written into the Call-ID's first
 * eight bytes) through @p's service: parse, hash, pick, bind.
 */
static u64 bench_point_block(struct bench_point *p, unsigned int first,
			     unsigned int n)
{
	const unsigned int off = sizeof(invite_head) - 1;
	struct ip_vs_kaff_table *t;
	struct ip_vs_sip_msg m;
	unsigned int i;
	u64 t0, h;
	u32 v;
	int k;

	t = rcu_dereference_protected(p->s->table, 1);
	t0 = bench_ns();
	for (i = first; i < first + n; i++) {
		for (v = i * 2654435761u, k = 7; k >= 0; k--, v >>= 4)
			p->msg[off + k] = "0123456789abcdef"[v & 15];
		if (ip_vs_sip_parse((u8 *)p->msg, p->len, &m))
			continue;
		h = ip_vs_kaff_hash_key(t, m.callid, m.callid_len);
		rcu_read_lock();
		ip_vs_sip_bind(p->s, t, &m, h, false, jiffies);
		rcu_read_unlock();
		if (i % 256 == 0)
			cond_resched();
	}
	return bench_ns() - t0;
}

/*
 * One curve: its points measured in interleaved blocks (each point once
 * per round, so a slow period falls on all alike), the median block of
 * each reported with the smallest and largest, and the ratio of the last
 * point's median to the first's.
 */
static void bench_curve(const char *name, struct bench_point *pts,
			unsigned int npts)
{
	const unsigned int n = CURVE_MESSAGES / BENCH_ROUNDS;
	unsigned int r, k;

	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (k = 0; k < npts; k++)
			pts[k].block_ns[r] = bench_point_block(&pts[k], r * n, n);
		cond_resched();
	}
	for (k = 0; k < npts; k++) {
		sort(pts[k].block_ns, BENCH_ROUNDS, sizeof(u64),
		     bench_cmp_u64, NULL);
		pr_info("ip_vs_sip_bench: curve=%s x=%u per_message_ns=%llu (min %llu max %llu) bindings=%d\n",
			name, pts[k].x,
			div_u64(pts[k].block_ns[BENCH_ROUNDS / 2], n),
			div_u64(pts[k].block_ns[0], n),
			div_u64(pts[k].block_ns[BENCH_ROUNDS - 1], n),
			atomic_read(&pts[k].s->nbindings));
	}
	pr_info("ip_vs_sip_bench: curve=%s last/first median ratio x100=%llu\n",
		name, div64_u64(pts[npts - 1].block_ns[BENCH_ROUNDS / 2] * 100,
				max_t(u64, pts[0].block_ns[BENCH_ROUNDS / 2], 1)));
}

/* New Call-IDs over 3, 64 and 1024 real servers (46-byte Call-IDs). */
static void bench_servers(void)
{
	static const unsigned int xs[] = { 3, 64, 1024 };
	struct bench_point pts[ARRAY_SIZE(xs)] = {};
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(xs); k++) {
		pts[k].x = xs[k];
		if (bench_point_init(&pts[k], xs[k], 46))
			goto out;
	}
	bench_curve("servers", pts, ARRAY_SIZE(pts));
out:
	for (k = 0; k < ARRAY_SIZE(xs); k++)
		bench_point_free(&pts[k]);
}

/* New Call-IDs of 16 to 255 bytes, 3 real servers. */
static void bench_callid_len(void)
{
	static const unsigned int xs[] = { 16, 32, 64, 128, 255 };
	struct bench_point pts[ARRAY_SIZE(xs)] = {};
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(xs); k++) {
		pts[k].x = xs[k];
		if (bench_point_init(&pts[k], 3, xs[k]))
			goto out;
	}
	bench_curve("callid_len", pts, ARRAY_SIZE(pts));
out:
	for (k = 0; k < ARRAY_SIZE(xs); k++)
		bench_point_free(&pts[k]);
}

static int __init ip_vs_sip_bench_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bench_dests); i++) {
		struct ip_vs_dest *d = &bench_dests[i];

		d->af = AF_INET;
		d->addr.ip = htonl(0x0a000200 + 11 + i);
		d->port = htons(5060);
		atomic_set(&d->weight, 1);
		atomic_set(&d->last_weight, 1);
		refcount_set(&d->refcnt, 1);
		list_add_tail(&d->n_list, &bench_list);
	}
	if (bench_want("parse"))
		bench_parse();
	if (bench_want("new"))
		bench_new_calls(false);
	if (only && !strcmp(only, "bind"))
		bench_new_calls(true);
	if (bench_want("lookup"))
		bench_lookup();
	if (bench_want("servers"))
		bench_servers();
	if (bench_want("callid"))
		bench_callid_len();
	return 0;
}

static void __exit ip_vs_sip_bench_exit(void)
{
	rcu_barrier();
}

module_init(ip_vs_sip_bench_init);
module_exit(ip_vs_sip_bench_exit);
MODULE_DESCRIPTION("Micro-benchmark of the IPVS sip scheduler's per-message cost");
MODULE_LICENSE("GPL");
