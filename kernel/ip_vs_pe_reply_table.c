// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "reply" persistence engine: the table of outstanding requests and
 * the per-real-server accounting.
 *
 * Every request IPVS forwards by NAT is recorded under the key its reply
 * will carry: (client address and port, real server address and port) and,
 * for DNS and RADIUS, the transaction ID (the DNS message ID, the RADIUS
 * Identifier), so that many requests outstanding from one client port to
 * one server are told apart. Other protocols get one record per 4-tuple,
 * refreshed by each request.
 *
 * A reply is translated back to the service address only while its request
 * is outstanding or answered within the reply timeout:
 *
 *   PENDING --reply in time--> ANSWERED --reply--> (duplicate, translated)
 *      |                           |
 *      +--timeout--> TIMEDOUT      +--timeout--> removed
 *                       |  reply: late, passed unchanged
 *                       +--another timeout--> removed
 *
 * A request for a key already recorded refreshes a pending record, or
 * re-arms an answered or timed-out one (a DNS client retransmitting from
 * the same port with the same ID to the same server).
 *
 * Per real server: requests, replies, timeouts, duplicates, late replies,
 * the number outstanding now (read by the "lor" scheduler), an EWMA of the
 * reply latency (weight 1/8, as TCP's SRTT) and a histogram.
 *
 * Memory is bounded by conf->max_requests records (requests beyond are not
 * recorded and counted as refused: their replies pass unchanged) and
 * IP_VS_PE_REPLY_MAX_DESTS real servers. Lookups are lock-free (rhashtable,
 * RCU); state changes are compare-and-exchange, so that each request is
 * counted exactly once as answered or timed out whichever CPU sees it.
 * Records and idle servers are removed by ip_vs_pe_reply_gc(), run every
 * second by a work while anything is recorded, and freed after a grace
 * period.
 *
 * Every function takes the time as a parameter (ns, ktime_get_ns() in
 * production), so that the KUnit suite controls the clock.
 */
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_sip_rs.h"
#include "ip_vs_udp_walk.h"

static const struct rhashtable_params ip_vs_pe_reply_req_params = {
	.head_offset		= offsetof(struct ip_vs_pe_reply_req, node),
	.key_offset		= offsetof(struct ip_vs_pe_reply_req, key),
	.key_len		= sizeof(struct ip_vs_pe_reply_key),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params ip_vs_pe_reply_dest_params = {
	.head_offset		= offsetof(struct ip_vs_pe_reply_dest, node),
	.key_offset		= offsetof(struct ip_vs_pe_reply_dest, key),
	.key_len		= sizeof(struct ip_vs_pe_reply_dkey),
	.automatic_shrinking	= true,
};

/**
 * ip_vs_pe_reply_kind - how requests of a service are matched to replies
 * @vport: the port the client sent to (network order)
 * @rport: the real server's port (network order)
 *
 * Return: K_DNS for port 53, K_RADIUS for 1812, 1813, 1645 and 1646 (on
 * either side), else K_ADDR.
 */
u8 ip_vs_pe_reply_kind(__be16 vport, __be16 rport)
{
	static const u16 radius[] = { 1812, 1813, 1645, 1646 };
	u16 v = ntohs(vport), r = ntohs(rport);
	unsigned int i;

	if (v == 53 || r == 53)
		return IP_VS_PE_REPLY_K_DNS;
	for (i = 0; i < ARRAY_SIZE(radius); i++)
		if (v == radius[i] || r == radius[i])
			return IP_VS_PE_REPLY_K_RADIUS;
	return IP_VS_PE_REPLY_K_ADDR;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_kind);

/* Bytes of UDP payload needed to read the transaction ID of @kind. */
unsigned int ip_vs_pe_reply_hdr_len(u8 kind)
{
	switch (kind) {
	case IP_VS_PE_REPLY_K_DNS:
		return IP_VS_PE_REPLY_DNS_HDR;
	case IP_VS_PE_REPLY_K_RADIUS:
		return IP_VS_PE_REPLY_RADIUS_HDR;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_hdr_len);

/**
 * ip_vs_pe_reply_txid - transaction ID of a DNS or RADIUS message
 * @kind: enum ip_vs_pe_reply_kind
 * @data: start of the UDP payload
 * @len: bytes at @data (the whole payload, or at least the fixed header)
 * @txid: the ID found
 *
 * A payload shorter than the protocol's fixed header (12 bytes for DNS, 20
 * for RADIUS) has no ID: such a message is matched on addresses and ports.
 *
 * Return: true when @txid was set.
 */
bool ip_vs_pe_reply_txid(u8 kind, const u8 *data, size_t len, u16 *txid)
{
	switch (kind) {
	case IP_VS_PE_REPLY_K_DNS:
		if (len < IP_VS_PE_REPLY_DNS_HDR)
			return false;
		*txid = (u16)data[0] << 8 | data[1];
		return true;
	case IP_VS_PE_REPLY_K_RADIUS:
		if (len < IP_VS_PE_REPLY_RADIUS_HDR)
			return false;
		*txid = data[1];
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_txid);

/* Histogram bucket of a reply latency: < 1 ms, 10 ms, 100 ms, 1 s, more. */
unsigned int ip_vs_pe_reply_bucket(u64 ns)
{
	u64 limit = NSEC_PER_MSEC;
	unsigned int i;

	for (i = 0; i < IP_VS_PE_REPLY_NBUCKETS - 1; i++, limit *= 10)
		if (ns < limit)
			return i;
	return IP_VS_PE_REPLY_NBUCKETS - 1;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_bucket);

/* Exponentially weighted moving average, weight 1/8; 0 means no sample. */
u64 ip_vs_pe_reply_ewma(u64 avg, u64 sample)
{
	if (!avg)
		return sample ?: 1;
	if (sample >= avg)
		return avg + ((sample - avg) >> 3);
	return avg - ((avg - sample) >> 3) ?: 1;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_ewma);

static void ip_vs_pe_reply_dest_free(struct ip_vs_pe_reply_dest *d)
{
	free_percpu(d->stats);
	kfree(d);
}

static void ip_vs_pe_reply_dest_free_rcu(struct rcu_head *head)
{
	ip_vs_pe_reply_dest_free(container_of(head, struct ip_vs_pe_reply_dest,
					      rcu));
}

int ip_vs_pe_reply_net_init(struct ip_vs_pe_reply_net *pn,
			    const struct ip_vs_pe_reply_conf *conf,
			    struct workqueue_struct *wq)
{
	int ret;

	pn->conf = conf;
	pn->wq = wq;
	pn->dying = false;
	pn->gc_armed = 0;
	atomic_set(&pn->nreqs, 0);
	atomic_set(&pn->ndests, 0);
	pn->stats = alloc_percpu(struct ip_vs_pe_reply_stats);
	if (!pn->stats)
		return -ENOMEM;
	ret = rhashtable_init(&pn->reqs, &ip_vs_pe_reply_req_params);
	if (ret)
		goto err_stats;
	ret = rhashtable_init(&pn->dests, &ip_vs_pe_reply_dest_params);
	if (ret)
		goto err_reqs;
	return 0;

err_reqs:
	rhashtable_destroy(&pn->reqs);
err_stats:
	free_percpu(pn->stats);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_net_init);

static void ip_vs_pe_reply_req_free_cb(void *ptr, void *arg)
{
	kfree(ptr);
}

static void ip_vs_pe_reply_dest_free_cb(void *ptr, void *arg)
{
	ip_vs_pe_reply_dest_free(ptr);
}

/*
 * Free everything. Process context; no reader may be left (the hooks are
 * unregistered and a grace period has passed) and the GC work is stopped.
 */
void ip_vs_pe_reply_net_destroy(struct ip_vs_pe_reply_net *pn)
{
	rhashtable_free_and_destroy(&pn->reqs, ip_vs_pe_reply_req_free_cb,
				    NULL);
	rhashtable_free_and_destroy(&pn->dests, ip_vs_pe_reply_dest_free_cb,
				    NULL);
	atomic_set(&pn->nreqs, 0);
	atomic_set(&pn->ndests, 0);
	free_percpu(pn->stats);
	pn->stats = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_net_destroy);

static void ip_vs_pe_reply_dkey_fill(struct ip_vs_pe_reply_dkey *k, int af,
				     const union nf_inet_addr *addr,
				     __be16 port)
{
	memset(k, 0, sizeof(*k));
	k->af = af;
	if (af == AF_INET6)
		k->addr.in6 = addr->in6;
	else
		k->addr.ip = addr->ip;
	k->port = port;
}

/* The accounting of a real server, or NULL. Under rcu_read_lock(). */
struct ip_vs_pe_reply_dest *
ip_vs_pe_reply_dest_find(struct ip_vs_pe_reply_net *pn, int af,
			 const union nf_inet_addr *addr, __be16 port)
{
	struct ip_vs_pe_reply_dkey k;

	ip_vs_pe_reply_dkey_fill(&k, af, addr, port);
	return rhashtable_lookup(&pn->dests, &k, ip_vs_pe_reply_dest_params);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_dest_find);

/*
 * The accounting of the real server a request goes to, created on first
 * use, with a reference for the request record. NULL at the cap or
 * without memory.
 */
static struct ip_vs_pe_reply_dest *
ip_vs_pe_reply_dest_get(struct ip_vs_pe_reply_net *pn,
			const struct ip_vs_pe_reply_key *rk)
{
	struct ip_vs_pe_reply_dest *d, *old;
	struct ip_vs_pe_reply_dkey k;

	ip_vs_pe_reply_dkey_fill(&k, rk->af, &rk->raddr, rk->rport);
	d = rhashtable_lookup(&pn->dests, &k, ip_vs_pe_reply_dest_params);
	if (d)
		return refcount_inc_not_zero(&d->ref) ? d : NULL;

	if (atomic_inc_return(&pn->ndests) > IP_VS_PE_REPLY_MAX_DESTS)
		goto err_count;
	d = kzalloc(sizeof(*d), GFP_ATOMIC);
	if (!d)
		goto err_count;
	d->stats = alloc_percpu_gfp(struct ip_vs_pe_reply_dstats, GFP_ATOMIC);
	if (!d->stats)
		goto err_free;
	d->key = k;
	refcount_set(&d->ref, 2);	/* the table's and the caller's */
	atomic_set(&d->outstanding, 0);
	old = rhashtable_lookup_get_insert_fast(&pn->dests, &d->node,
						ip_vs_pe_reply_dest_params);
	if (old) {
		/* Another CPU was first (or the table refused): use its. */
		ip_vs_pe_reply_dest_free(d);
		atomic_dec(&pn->ndests);
		if (IS_ERR(old) || !refcount_inc_not_zero(&old->ref))
			return NULL;
		return old;
	}
	return d;

err_free:
	kfree(d);
err_count:
	atomic_dec(&pn->ndests);
	return NULL;
}

static void ip_vs_pe_reply_dest_note(struct ip_vs_pe_reply_dest *d,
				     const struct ip_vs_pe_reply_reqinfo *info,
				     u64 now)
{
	/* Written only when they change: no cache line ping-pong. */
	if (READ_ONCE(d->kind) != info->key.kind &&
	    info->key.kind != IP_VS_PE_REPLY_K_ADDR)
		WRITE_ONCE(d->kind, info->key.kind);
	if (READ_ONCE(d->vport) != info->vport ||
	    !ip_vs_addr_equal(info->key.af, &d->vaddr, &info->vaddr)) {
		d->vaddr = info->vaddr;
		WRITE_ONCE(d->vport, info->vport);
	}
	if (READ_ONCE(d->mark) != info->mark)
		WRITE_ONCE(d->mark, info->mark);
	if (now - READ_ONCE(d->last_use) > NSEC_PER_SEC / 4)
		WRITE_ONCE(d->last_use, now);
}

static u64 ip_vs_pe_reply_timeout_ns(const struct ip_vs_pe_reply_net *pn)
{
	return (u64)READ_ONCE(pn->conf->timeout_ms) * NSEC_PER_MSEC;
}

/* A request's timeout: its service's (reqinfo) or the namespace's. */
static u64 ip_vs_pe_reply_req_timeout_ns(const struct ip_vs_pe_reply_net *pn,
					 const struct ip_vs_pe_reply_reqinfo *info)
{
	return info->timeout_ns ?: ip_vs_pe_reply_timeout_ns(pn);
}

static void ip_vs_pe_reply_arm_gc(struct ip_vs_pe_reply_net *pn)
{
	if (pn->wq && !test_bit(0, &pn->gc_armed) &&
	    !test_and_set_bit(0, &pn->gc_armed))
		queue_delayed_work(pn->wq, &pn->gc_work, HZ);
}

/* Refresh or re-arm the record @r of a new request. */
static enum ip_vs_pe_reply_record_res
ip_vs_pe_reply_rearm(struct ip_vs_pe_reply_net *pn,
		     struct ip_vs_pe_reply_req *r,
		     const struct ip_vs_pe_reply_reqinfo *info, u64 now)
{
	struct ip_vs_pe_reply_dest *d = r->dest;
	int old = atomic_read(&r->state);
	int next;

	if (READ_ONCE(r->vport) != info->vport ||
	    !ip_vs_addr_equal(info->key.af, &r->vaddr, &info->vaddr)) {
		r->vaddr = info->vaddr;
		WRITE_ONCE(r->vport, info->vport);
	}
	for (;;) {
		switch (old & IP_VS_PE_REPLY_S_MASK) {
		case IP_VS_PE_REPLY_S_DEAD:
			return IP_VS_PE_REPLY_REFUSED;
		case IP_VS_PE_REPLY_S_PENDING:
			/* A retransmission: wait longer, same request. */
			WRITE_ONCE(r->sent, now);
			WRITE_ONCE(r->deadline,
				   now + ip_vs_pe_reply_req_timeout_ns(pn, info));
			return IP_VS_PE_REPLY_REFRESHED;
		}
		/* Answered or timed out before: a new request. */
		WRITE_ONCE(r->sent, now);
		WRITE_ONCE(r->deadline,
			   now + ip_vs_pe_reply_req_timeout_ns(pn, info));
		next = (old & ~IP_VS_PE_REPLY_S_MASK) + IP_VS_PE_REPLY_GEN +
		       IP_VS_PE_REPLY_S_PENDING;
		if (atomic_try_cmpxchg(&r->state, &old, next))
			break;
	}
	atomic_inc(&d->outstanding);
	return IP_VS_PE_REPLY_REARMED;
}

/**
 * ip_vs_pe_reply_record - note a request forwarded to a real server
 * @pn: the namespace's state
 * @info: its key (with the transaction ID and kind already set), the
 *	service address it was sent to and the packet mark
 * @now: ns
 *
 * Softirq context, under rcu_read_lock(); never sleeps.
 *
 * Return: what was done.
 */
enum ip_vs_pe_reply_record_res
ip_vs_pe_reply_record(struct ip_vs_pe_reply_net *pn,
		      const struct ip_vs_pe_reply_reqinfo *info, u64 now)
{
	enum ip_vs_pe_reply_record_res res = IP_VS_PE_REPLY_REFUSED;
	struct ip_vs_pe_reply_req *r, *old;
	struct ip_vs_pe_reply_dest *d;

	d = ip_vs_pe_reply_dest_get(pn, &info->key);
	if (!d)
		goto out;
	ip_vs_pe_reply_dest_note(d, info, now);

	r = rhashtable_lookup(&pn->reqs, &info->key, ip_vs_pe_reply_req_params);
	if (r) {
		res = ip_vs_pe_reply_rearm(pn, r, info, now);
		refcount_dec(&d->ref);		/* the record holds its own */
		goto out_dest;
	}

	if (atomic_inc_return(&pn->nreqs) > READ_ONCE(pn->conf->max_requests))
		goto err_count;
	r = kmalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		goto err_count;
	r->key = info->key;
	r->vaddr = info->vaddr;
	r->vport = info->vport;
	atomic_set(&r->state, IP_VS_PE_REPLY_S_PENDING);
	r->sent = now;
	r->deadline = now + ip_vs_pe_reply_req_timeout_ns(pn, info);
	r->dest = d;
	/* Counted before the record is visible: a reply may race with us. */
	atomic_inc(&d->outstanding);
	old = rhashtable_lookup_get_insert_fast(&pn->reqs, &r->node,
						ip_vs_pe_reply_req_params);
	if (old) {
		atomic_dec(&d->outstanding);
		kfree(r);
		atomic_dec(&pn->nreqs);
		if (IS_ERR(old)) {
			refcount_dec(&d->ref);
			goto out;
		}
		/* Another CPU recorded the same key just now. */
		res = ip_vs_pe_reply_rearm(pn, old, info, now);
		refcount_dec(&d->ref);
		goto out_dest;
	}
	res = IP_VS_PE_REPLY_RECORDED;
	ip_vs_pe_reply_arm_gc(pn);
	goto out_dest;

err_count:
	atomic_dec(&pn->nreqs);
	refcount_dec(&d->ref);
	goto out;
out_dest:
	if (res != IP_VS_PE_REPLY_REFUSED)
		this_cpu_inc(d->stats->requests);
out:
	if (res == IP_VS_PE_REPLY_REFUSED)
		this_cpu_inc(pn->stats->refused);
	else
		this_cpu_inc(pn->stats->requests);
	return res;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_record);

/* A pending request got no reply in time. Return: true if it was ours. */
static bool ip_vs_pe_reply_expire(struct ip_vs_pe_reply_net *pn,
				  struct ip_vs_pe_reply_req *r, int old)
{
	int next = (old & ~IP_VS_PE_REPLY_S_MASK) | IP_VS_PE_REPLY_S_TIMEDOUT;

	if ((old & IP_VS_PE_REPLY_S_MASK) != IP_VS_PE_REPLY_S_PENDING ||
	    !atomic_try_cmpxchg(&r->state, &old, next))
		return false;
	atomic_dec(&r->dest->outstanding);
	this_cpu_inc(r->dest->stats->timeouts);
	this_cpu_inc(pn->stats->timeouts);
	return true;
}

/**
 * ip_vs_pe_reply_lookup - find the request a reply answers, changing nothing
 * @pn: the namespace's state
 * @key: the reply's addresses and ports, as the request's key (client =
 *	the reply's destination); kind and txid are set here
 * @data: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes at @data
 * @now: ns
 * @vaddr: set to the address the client sent the request to
 * @vport: set to its port
 * @rp: set to the request's record on ANSWER, else to NULL
 *
 * The record is not marked answered: the caller does that with
 * ip_vs_pe_reply_commit() once the reply is sure to be translated (IPVS
 * may fail to create the connection entry for it; the record must then
 * stay pending for the server's retransmission, and time out if none
 * comes). LATE and UNSOLICITED are counted here.
 *
 * Softirq context, under rcu_read_lock(), which keeps *@rp valid; never
 * sleeps.
 *
 * Return: ANSWER (translate with @vaddr:@vport, then commit *@rp), LATE or
 * UNSOLICITED (leave the reply alone).
 */
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_lookup(struct ip_vs_pe_reply_net *pn,
		      struct ip_vs_pe_reply_key *key, const u8 *data,
		      size_t len, u64 now, union nf_inet_addr *vaddr,
		      __be16 *vport, struct ip_vs_pe_reply_req **rp)
{
	struct ip_vs_pe_reply_dest *d;
	struct ip_vs_pe_reply_req *r;
	int old;
	u8 kind;

	*rp = NULL;
	d = ip_vs_pe_reply_dest_find(pn, key->af, &key->raddr, key->rport);
	if (!d)
		goto unsolicited;
	kind = READ_ONCE(d->kind);
	key->kind = IP_VS_PE_REPLY_K_ADDR;
	key->txid = 0;
	if (ip_vs_pe_reply_txid(kind, data, len, &key->txid))
		key->kind = kind;
	r = rhashtable_lookup(&pn->reqs, key, ip_vs_pe_reply_req_params);
	if (!r)
		goto unsolicited;

	old = atomic_read(&r->state);
	if ((old & IP_VS_PE_REPLY_S_MASK) == IP_VS_PE_REPLY_S_DEAD)
		goto unsolicited;
	if (time_after64(now, READ_ONCE(r->deadline)) ||
	    (old & IP_VS_PE_REPLY_S_MASK) == IP_VS_PE_REPLY_S_TIMEDOUT) {
		ip_vs_pe_reply_expire(pn, r, old);
		this_cpu_inc(r->dest->stats->late);
		this_cpu_inc(pn->stats->late);
		return IP_VS_PE_REPLY_LATE;
	}

	*vaddr = r->vaddr;
	*vport = READ_ONCE(r->vport);
	*rp = r;
	return IP_VS_PE_REPLY_ANSWER;

unsolicited:
	this_cpu_inc(pn->stats->unsolicited);
	return IP_VS_PE_REPLY_UNSOLICITED;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_lookup);

/**
 * ip_vs_pe_reply_commit - account a translated reply to its request
 * @pn: the namespace's state
 * @r: from ip_vs_pe_reply_lookup(), in the same RCU read section
 * @now: ns, as given to the lookup
 *
 * Softirq context, under rcu_read_lock(); never sleeps.
 *
 * Return: ANSWER for the request's first reply (its latency recorded, the
 * server's outstanding count dropped), DUPLICATE when it was answered
 * already (or by another CPU just now).
 */
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_commit(struct ip_vs_pe_reply_net *pn,
		      struct ip_vs_pe_reply_req *r, u64 now)
{
	struct ip_vs_pe_reply_dest *d = r->dest;
	int old = atomic_read(&r->state);
	u64 lat;

	/* A re-arm since the lookup keeps the record pending: still ours. */
	if ((old & IP_VS_PE_REPLY_S_MASK) == IP_VS_PE_REPLY_S_PENDING &&
	    atomic_try_cmpxchg(&r->state, &old,
			       (old & ~IP_VS_PE_REPLY_S_MASK) |
			       IP_VS_PE_REPLY_S_ANSWERED)) {
		lat = now - READ_ONCE(r->sent);
		if ((s64)lat < 0)
			lat = 0;
		atomic_dec(&d->outstanding);
		this_cpu_inc(d->stats->replies);
		this_cpu_inc(d->stats->hist[ip_vs_pe_reply_bucket(lat)]);
		this_cpu_add(d->stats->lat_sum_ns, lat);
		/* Racing updates may lose a sample; the average survives. */
		WRITE_ONCE(d->ewma_ns,
			   ip_vs_pe_reply_ewma(READ_ONCE(d->ewma_ns), lat));
		this_cpu_inc(pn->stats->replies);
		return IP_VS_PE_REPLY_ANSWER;
	}
	this_cpu_inc(d->stats->duplicates);
	this_cpu_inc(pn->stats->duplicates);
	return IP_VS_PE_REPLY_DUPLICATE;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_commit);

/**
 * ip_vs_pe_reply_match - ip_vs_pe_reply_lookup() and, on ANSWER,
 *	ip_vs_pe_reply_commit(): for callers that translate every answer
 * @pn: the namespace's state
 * @key: as for ip_vs_pe_reply_lookup()
 * @data: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes at @data
 * @now: ns
 * @vaddr: set to the address the client sent the request to
 * @vport: set to its port
 *
 * Softirq context, under rcu_read_lock(); never sleeps.
 *
 * Return: ANSWER or DUPLICATE (translate with @vaddr:@vport), LATE or
 * UNSOLICITED (leave the reply alone).
 */
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_match(struct ip_vs_pe_reply_net *pn,
		     struct ip_vs_pe_reply_key *key, const u8 *data,
		     size_t len, u64 now, union nf_inet_addr *vaddr,
		     __be16 *vport)
{
	struct ip_vs_pe_reply_req *r;
	enum ip_vs_pe_reply_verdict v;

	v = ip_vs_pe_reply_lookup(pn, key, data, len, now, vaddr, vport, &r);
	return r ? ip_vs_pe_reply_commit(pn, r, now) : v;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_match);

/* Take a record out of the table, if its state is still @old. */
static bool ip_vs_pe_reply_remove(struct ip_vs_pe_reply_net *pn,
				  struct ip_vs_pe_reply_req *r, int old)
{
	int dead = (old & ~IP_VS_PE_REPLY_S_MASK) | IP_VS_PE_REPLY_S_DEAD;

	/* Fails when a request re-armed it since we looked. */
	if (!atomic_try_cmpxchg(&r->state, &old, dead))
		return false;
	if (rhashtable_remove_fast(&pn->reqs, &r->node,
				   ip_vs_pe_reply_req_params))
		return false;
	atomic_dec(&pn->nreqs);
	refcount_dec(&r->dest->ref);
	kfree_rcu(r, rcu);
	return true;
}

static unsigned int ip_vs_pe_reply_gc_reqs(struct ip_vs_pe_reply_net *pn,
					   u64 now)
{
	u64 timeout = ip_vs_pe_reply_timeout_ns(pn);
	struct ip_vs_pe_reply_req *r;
	unsigned int removed = 0, seen = 0;
	struct rhashtable_iter it;
	u64 deadline;
	int old;

	rhashtable_walk_enter(&pn->reqs, &it);
	rhashtable_walk_start(&it);
	while ((r = ip_vs_udp_walk_next(&it, &seen))) {
		old = atomic_read(&r->state);
		deadline = READ_ONCE(r->deadline);
		if (!time_after64(now, deadline))
			continue;
		switch (old & IP_VS_PE_REPLY_S_MASK) {
		case IP_VS_PE_REPLY_S_PENDING:
			/* Kept another timeout, to tell late replies. */
			ip_vs_pe_reply_expire(pn, r, old);
			break;
		case IP_VS_PE_REPLY_S_ANSWERED:
			removed += ip_vs_pe_reply_remove(pn, r, old);
			break;
		case IP_VS_PE_REPLY_S_TIMEDOUT:
			if (time_after64(now, deadline + timeout))
				removed += ip_vs_pe_reply_remove(pn, r, old);
			break;
		}
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	return removed;
}

/* Remove the accounting of servers without records, idle for long. */
static void ip_vs_pe_reply_gc_dests(struct ip_vs_pe_reply_net *pn, u64 now)
{
	struct ip_vs_pe_reply_dest *d;
	struct rhashtable_iter it;

	rhashtable_walk_enter(&pn->dests, &it);
	rhashtable_walk_start(&it);
	while ((d = rhashtable_walk_next(&it))) {
		if (IS_ERR(d)) {
			if (PTR_ERR(d) == -EAGAIN)
				continue;
			break;
		}
		if (now - READ_ONCE(d->last_use) <= IP_VS_PE_REPLY_DEST_IDLE_NS)
			continue;
		/* Only the table's reference left, and nobody takes one. */
		if (!refcount_dec_if_one(&d->ref))
			continue;
		if (rhashtable_remove_fast(&pn->dests, &d->node,
					   ip_vs_pe_reply_dest_params))
			continue;
		atomic_dec(&pn->ndests);
		call_rcu(&d->rcu, ip_vs_pe_reply_dest_free_rcu);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
}

/**
 * ip_vs_pe_reply_gc - count timeouts, remove finished records
 * @pn: the namespace's state
 * @now: ns
 *
 * Process context; may sleep.
 *
 * Return: the number of records removed.
 */
unsigned int ip_vs_pe_reply_gc(struct ip_vs_pe_reply_net *pn, u64 now)
{
	unsigned int n = ip_vs_pe_reply_gc_reqs(pn, now);

	ip_vs_pe_reply_gc_dests(pn, now);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_gc);

void ip_vs_pe_reply_stats_sum(const struct ip_vs_pe_reply_net *pn,
			      struct ip_vs_pe_reply_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ip_vs_pe_reply_stats *c = per_cpu_ptr(pn->stats,
								   cpu);

		sum->requests += READ_ONCE(c->requests);
		sum->refused += READ_ONCE(c->refused);
		sum->replies += READ_ONCE(c->replies);
		sum->duplicates += READ_ONCE(c->duplicates);
		sum->late += READ_ONCE(c->late);
		sum->unsolicited += READ_ONCE(c->unsolicited);
		sum->permissive += READ_ONCE(c->permissive);
		sum->no_conn += READ_ONCE(c->no_conn);
		sum->timeouts += READ_ONCE(c->timeouts);
		sum->sip_bound += READ_ONCE(c->sip_bound);
		sum->sip_new += READ_ONCE(c->sip_new);
		sum->sip_other += READ_ONCE(c->sip_other);
		sum->sip_nokey += READ_ONCE(c->sip_nokey);
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_stats_sum);

/**
 * ip_vs_pe_reply_rs_verdict - may a real server's own datagram have the VIP?
 * @pn: the namespace's state
 * @verdict: enum ip_vs_sip_rs_verdict, what the "sip" scheduler said about
 *	a datagram from a real server of a sip service
 *
 * A Call-ID bound to the sender (now or before) gets the service's
 * address: the client's responses then reach the same server. A Call-ID
 * that is another server's keeps the real server's address, even when it
 * matches a recorded 4-tuple (a proxy sends many calls from one socket).
 * Datagrams without a Call-ID and responses the scheduler cannot vouch
 * for are left to the request records. Counted.
 *
 * Return: 1 to translate the datagram to the service address, 0 to leave
 * it unchanged, -1 when the request records decide.
 */
int ip_vs_pe_reply_rs_verdict(struct ip_vs_pe_reply_net *pn, int verdict)
{
	switch (verdict) {
	case IP_VS_SIP_RS_BOUND:
		this_cpu_inc(pn->stats->sip_bound);
		return 1;
	case IP_VS_SIP_RS_NEW:
		this_cpu_inc(pn->stats->sip_new);
		return 1;
	case IP_VS_SIP_RS_OTHER:
		this_cpu_inc(pn->stats->sip_other);
		return 0;
	case IP_VS_SIP_RS_RECORDS:
		return -1;
	default:
		/* NOKEY, RESPONSE (and REFUSED, which rs_request resolves) */
		this_cpu_inc(pn->stats->sip_nokey);
		return -1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_rs_verdict);

void ip_vs_pe_reply_dstats_sum(const struct ip_vs_pe_reply_dest *d,
			       struct ip_vs_pe_reply_dstats *sum)
{
	unsigned int i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ip_vs_pe_reply_dstats *c = per_cpu_ptr(d->stats,
								    cpu);

		sum->requests += READ_ONCE(c->requests);
		sum->replies += READ_ONCE(c->replies);
		sum->timeouts += READ_ONCE(c->timeouts);
		sum->duplicates += READ_ONCE(c->duplicates);
		sum->late += READ_ONCE(c->late);
		for (i = 0; i < IP_VS_PE_REPLY_NBUCKETS; i++)
			sum->hist[i] += READ_ONCE(c->hist[i]);
		sum->lat_sum_ns += READ_ONCE(c->lat_sum_ns);
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_pe_reply_dstats_sum);
