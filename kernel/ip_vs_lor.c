// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "lor" scheduler: weighted least outstanding requests.
 *
 *   ipvsadm -A -u VIP:53 -s lor -o --pe reply
 *
 * Each datagram goes to the real server with the fewest requests still
 * waiting for a reply relative to its weight, i.e. the lowest
 * (outstanding + 1) / weight, counting the request about to be sent (as
 * dnsdist's "leastOutstanding" and Envoy's least-request balancers do). The
 * outstanding counts are kept by the "reply" persistence engine
 * (ip_vs_pe_reply), which sees every request forwarded and every reply:
 * a server that stops answering keeps its requests outstanding until they
 * time out, so new requests go elsewhere within a few requests, long before
 * a health check notices. A slow server gets fewer requests in proportion.
 *
 * Servers with weight 0 (quiesced) or flagged overloaded (upper connection
 * threshold) get nothing. Equal loads are broken round-robin, from a
 * per-service cursor, so that an idle service (every count 0) spreads its
 * requests like rr instead of piling them onto the first server.
 *
 * When the service does not use the reply engine there are no outstanding
 * counts: the scheduler then falls back to weighted least-connection (the
 * "wlc" overhead, ip_vs_dest_conn_overhead(): activeconns * 256 +
 * totalconns, per weight), with the same round-robin tie break.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_lor.h"

struct ip_vs_lor_svc {
	unsigned int	cursor;		/* racy increments are fine */
	struct rcu_head	rcu;
};

/* The load numerator of @dest: outstanding + 1, or the wlc overhead. */
static u64 ip_vs_lor_load(struct ip_vs_pe_reply_net *pn,
			  struct ip_vs_dest *dest)
{
	if (pn)
		return (u64)ip_vs_pe_reply_outstanding(pn, dest) + 1;
	return ip_vs_dest_conn_overhead(dest);
}

/**
 * ip_vs_lor_pick - the least loaded usable real server
 * @dests: the service's real servers (RCU list)
 * @ndests: how many there are
 * @pn: the reply engine's state, or NULL for the wlc fallback
 * @cursor: rotates the tie break: among equal loads the first at or after
 *	index @cursor % @ndests wins
 *
 * Under rcu_read_lock().
 *
 * Return: the server, or NULL when none has a weight and is not overloaded.
 */
struct ip_vs_dest *ip_vs_lor_pick(struct list_head *dests,
				  unsigned int ndests,
				  struct ip_vs_pe_reply_net *pn,
				  unsigned int cursor)
{
	struct ip_vs_dest *dest, *least = NULL;
	unsigned int i = 0, start, ord, lord = 0;
	u64 load, lload = 0, w, lw = 0;

	if (!ndests)
		return NULL;
	start = cursor % ndests;
	list_for_each_entry_rcu(dest, dests, n_list) {
		int weight = atomic_read(&dest->weight);

		ord = i >= start ? i - start : i + ndests - start;
		i++;
		if (weight <= 0 || (dest->flags & IP_VS_DEST_F_OVERLOAD))
			continue;
		w = weight;
		load = ip_vs_lor_load(pn, dest);
		/* load / w < lload / lw, without division */
		if (!least || load * lw < lload * w ||
		    (load * lw == lload * w && ord < lord)) {
			least = dest;
			lload = load;
			lw = w;
			lord = ord;
		}
	}
	return least;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_lor_pick);

static struct ip_vs_dest *ip_vs_lor_schedule(struct ip_vs_service *svc,
					     const struct sk_buff *skb,
					     struct ip_vs_iphdr *iph)
{
	struct ip_vs_lor_svc *s = svc->sched_data;
	unsigned int cursor = READ_ONCE(s->cursor);
	struct ip_vs_dest *dest;

	WRITE_ONCE(s->cursor, cursor + 1);
	dest = ip_vs_lor_pick(&svc->destinations, svc->num_dests,
			      ip_vs_pe_reply_svc_net(svc), cursor);
	if (!dest)
		ip_vs_scheduler_err(svc, "no destination available");
	return dest;
}

static int ip_vs_lor_init_svc(struct ip_vs_service *svc)
{
	struct ip_vs_lor_svc *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	svc->sched_data = s;
	return 0;
}

static void ip_vs_lor_done_svc(struct ip_vs_service *svc)
{
	struct ip_vs_lor_svc *s = svc->sched_data;

	/* A packet may still be in ip_vs_lor_schedule(). */
	kfree_rcu(s, rcu);
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
	synchronize_rcu();
}

module_init(ip_vs_lor_init);
module_exit(ip_vs_lor_cleanup);
MODULE_DESCRIPTION("IPVS lor scheduler: weighted least outstanding requests");
MODULE_LICENSE("GPL");
