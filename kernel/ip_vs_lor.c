// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "lor" scheduler: weighted least outstanding requests.
 *
 *   ipvsadm -A -u VIP:53 -s lor -o --pe reply
 *
 * Each datagram goes to a real server with the fewest requests still
 * waiting for a reply relative to its weight: the lowest outstanding /
 * weight, the "wlc" rule (ip_vs_wlc.c) applied to requests instead of
 * connections. The outstanding counts are kept by the "reply" persistence
 * engine (ip_vs_pe_reply), which sees every request forwarded and every
 * reply: a server that stops answering keeps its requests outstanding until
 * they time out, so new requests go elsewhere within a few requests, long
 * before a health check notices. A slow server gets fewer requests in
 * proportion.
 *
 * Servers with weight 0 (quiesced) or flagged overloaded (upper connection
 * threshold) get nothing. When none is left the client gets an ICMP port
 * unreachable from the virtual address, also on a director that does not
 * configure it (ip_vs_icmp_vip_no_dest()).
 *
 * Ties: the servers with the lowest outstanding / weight share the request
 * by weighted round robin, in the passes of ip_vs_wrr.c: a pass at weight
 * cw visits, in order, the tied servers whose weight is at least cw; the
 * next pass is at cw - 1, and after cw = 1 a new round starts at the
 * highest weight among them. Over a round every tied server gets exactly
 * its weight in requests (3:1:1 gives A A A B C). This is what makes the
 * weights count when the counts do not differ: with direct routing or
 * tunnelling replies never pass the director and every count stays 0, and
 * under light load requests are answered before the next one arrives.
 * There is deliberately no "+1 for the request about to be sent" (as
 * dnsdist and Envoy count): with it equal counts are never a tie between
 * different weights, and the heaviest server would get every request.
 *
 * The order of a pass is that of (family, address, port), not the
 * destination list, whose order depends on the order the servers were
 * added in; and the position in it (struct ip_vs_lor_cursor) is such a key
 * plus cw, not a pointer or an index. So two directors with the same
 * servers and weights make the same choices from the same position,
 * whatever history of additions, removals and weight changes led there,
 * and a cursor never points to a freed server. The cursor is per CPU (no
 * lock, no shared cache line; each CPU runs its own rounds); a choice is
 * one walk of the destination list (bounded by the number of servers) that
 * finds the least loaded ones and, among them, the next in the pass.
 *
 * When the service does not use the reply engine there are no outstanding
 * counts: the scheduler then weighs the "wlc" overhead instead,
 * ip_vs_dest_conn_overhead(), with the same tie break. With one-packet
 * scheduling (-o) each connection entry is gone right after its packet, so
 * the overheads are 0 and the service behaves like wrr.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "ip_vs_icmp_vip.h"
#include "ip_vs_pe_reply.h"
#include "ip_vs_lor.h"

struct ip_vs_lor_svc {
	struct ip_vs_lor_cursor __percpu	*cursor;
	struct rcu_head				rcu;
};

/* The load numerator of @dest: outstanding requests, or the wlc overhead. */
static u64 ip_vs_lor_load(struct ip_vs_pe_reply_net *pn,
			  struct ip_vs_dest *dest)
{
	if (pn)
		return ip_vs_pe_reply_outstanding(pn, dest);
	return max(ip_vs_dest_conn_overhead(dest), 0);
}

/* Order of (af, addr, port) of @dest against the other key given. */
static int ip_vs_lor_cmp(const struct ip_vs_dest *dest, u16 af,
			 const union nf_inet_addr *addr, __be16 port)
{
	int r;

	if (dest->af != af)
		return dest->af < af ? -1 : 1;
	r = memcmp(&dest->addr, addr, af == AF_INET6 ?
		   sizeof(struct in6_addr) : sizeof(__be32));
	if (r)
		return r;
	if (dest->port != port)
		return ntohs(dest->port) < ntohs(port) ? -1 : 1;
	return 0;
}

static int ip_vs_lor_cmp_dest(const struct ip_vs_dest *a,
			      const struct ip_vs_dest *b)
{
	return ip_vs_lor_cmp(a, b->af, &b->addr, b->port);
}

/* @dest comes before @cur, in the order of keys (NULL: after anything). */
static bool ip_vs_lor_before(const struct ip_vs_dest *dest,
			     const struct ip_vs_dest *cur)
{
	return !cur || ip_vs_lor_cmp_dest(dest, cur) < 0;
}

/**
 * ip_vs_lor_pick - the least loaded usable real server
 * @dests: the service's real servers (RCU list)
 * @pn: the reply engine's state, or NULL for the wlc overhead
 * @c: the tie break's position, moved to the server picked
 *
 * One walk of @dests keeps, among the servers with the lowest load seen so
 * far: the next one in the current pass (after @c, weight >= @c->cw), the
 * first one of the next pass (weight >= @c->cw - 1) and the first one with
 * the highest weight (a new round). A lower load starts them afresh.
 *
 * Under rcu_read_lock(), with @c owned by the caller.
 *
 * Return: the server, or NULL when none has a weight and is not overloaded.
 */
struct ip_vs_dest *ip_vs_lor_pick(struct list_head *dests,
				  struct ip_vs_pe_reply_net *pn,
				  struct ip_vs_lor_cursor *c)
{
	struct ip_vs_dest *dest, *next = NULL, *pass = NULL, *round = NULL;
	u64 load, lload = 0, w, lw = 0, maxw = 0;
	u32 cw = c->cw;

	list_for_each_entry_rcu(dest, dests, n_list) {
		int weight = atomic_read(&dest->weight);

		if (weight <= 0 || (dest->flags & IP_VS_DEST_F_OVERLOAD))
			continue;
		w = weight;
		load = ip_vs_lor_load(pn, dest);
		/* load / w against lload / lw, without division */
		if (round && load * lw > lload * w)
			continue;
		if (!round || load * lw < lload * w) {
			lload = load;
			lw = w;
			next = NULL;
			pass = NULL;
			round = NULL;
			maxw = 0;
		}
		if (w > maxw || (w == maxw && ip_vs_lor_before(dest, round))) {
			maxw = w;
			round = dest;
		}
		if (cw > 1 && w >= cw - 1 && ip_vs_lor_before(dest, pass))
			pass = dest;
		if (cw && w >= cw && ip_vs_lor_before(dest, next) &&
		    ip_vs_lor_cmp(dest, c->af, &c->addr, c->port) > 0)
			next = dest;
	}
	if (!round)
		return NULL;
	if (!next) {
		if (pass) {
			next = pass;
			cw--;
		} else {
			next = round;
			cw = maxw;
		}
	}
	c->af = next->af;
	c->addr = next->addr;
	c->port = next->port;
	c->cw = cw;
	return next;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_lor_pick);

static struct ip_vs_dest *ip_vs_lor_schedule(struct ip_vs_service *svc,
					     const struct sk_buff *skb,
					     struct ip_vs_iphdr *iph)
{
	struct ip_vs_lor_svc *s = svc->sched_data;
	struct ip_vs_dest *dest;

	/* The cursor is this CPU's: no preemption, no softirq in between. */
	local_bh_disable();
	dest = ip_vs_lor_pick(&svc->destinations, ip_vs_pe_reply_svc_net(svc),
			      this_cpu_ptr(s->cursor));
	local_bh_enable();
	if (!dest) {
		/* Port unreachable from the VIP, also on VIP-less directors */
		ip_vs_icmp_vip_no_dest(svc, skb, iph);
		ip_vs_scheduler_err(svc, "no destination available");
	}
	return dest;
}

static int ip_vs_lor_init_svc(struct ip_vs_service *svc)
{
	struct ip_vs_lor_svc *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	s->cursor = alloc_percpu(struct ip_vs_lor_cursor);
	if (!s->cursor) {
		kfree(s);
		return -ENOMEM;
	}
	svc->sched_data = s;
	return 0;
}

static void ip_vs_lor_free_rcu(struct rcu_head *head)
{
	struct ip_vs_lor_svc *s = container_of(head, struct ip_vs_lor_svc, rcu);

	free_percpu(s->cursor);
	kfree(s);
}

static void ip_vs_lor_done_svc(struct ip_vs_service *svc)
{
	struct ip_vs_lor_svc *s = svc->sched_data;

	/* A packet may still be in ip_vs_lor_schedule(). */
	call_rcu(&s->rcu, ip_vs_lor_free_rcu);
}

static struct ip_vs_scheduler ip_vs_lor_scheduler = {
	.name =			"lor",
	.refcnt =		ATOMIC_INIT(0),
	.module =		THIS_MODULE,
	.n_list =		LIST_HEAD_INIT(ip_vs_lor_scheduler.n_list),
	.init_service =		ip_vs_lor_init_svc,
	.done_service =		ip_vs_lor_done_svc,
	.schedule =		ip_vs_lor_schedule,
};

static int __init ip_vs_lor_init(void)
{
	return register_ip_vs_scheduler(&ip_vs_lor_scheduler);
}

static void __exit ip_vs_lor_cleanup(void)
{
	unregister_ip_vs_scheduler(&ip_vs_lor_scheduler);
	/* ip_vs_lor_free_rcu() is ours: wait for the pending ones. */
	rcu_barrier();
}

module_init(ip_vs_lor_init);
module_exit(ip_vs_lor_cleanup);
MODULE_DESCRIPTION("IPVS lor scheduler: weighted least outstanding requests");
MODULE_LICENSE("GPL");
