// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "sip" scheduler: every SIP message with the same Call-ID reaches the
 * same real server, whoever sends it.
 *
 *   ipvsadm -A -u VIP:5060 -s sip -o
 *
 * A new Call-ID is placed by weighted Maglev consistent hashing of the
 * Call-ID (ip_vs_kaff_maglev.c), so several directors with the same servers,
 * weights and seed agree without sharing state; a per-service table then
 * pins the Call-ID to that server for the life of the call
 * (ip_vs_kaff_bind.c, with the SIP states of ip_vs_sip_bind.c): the keyed
 * affinity core, ip_vs_kaff.ko, which the radius scheduler shares.
 * Datagrams without a Call-ID (CRLF keepalives, STUN, garbage) are placed
 * by a hash of the client address and port, so a client's keepalives stay
 * together; nothing is dropped for being unparseable.
 *
 * Use it with one-packet scheduling (-o): without it IPVS calls a scheduler
 * only for the first datagram of each client address:port and sends all
 * later ones, whatever their Call-ID, to the same server until the UDP
 * entry expires.
 *
 * Scheduler flags (ipvsadm -b):
 *   flag-1  quiesced servers (weight 0) lose their calls now instead of
 *           draining them
 *   flag-2  datagrams without a Call-ID are placed by client address only
 *   flag-3  stateless: consistent hash only, no bindings
 *
 * With the "reply" persistence engine (-o --pe reply) a real server's own
 * requests (BYE, re-INVITE, NOTIFY, calls it starts) leave from the VIP
 * when their Call-ID is bound to it or unbound (then bound to it):
 * ip_vs_sip_rs_request(), ip_vs_sip_rs.h.
 *
 * Counters per service: /proc/net/ip_vs_sip.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/net_namespace.h>
#include <kunit/visibility.h>
#include <linux/ipvs_udp.h>

#include "ip_vs_icmp_vip.h"
#include "ip_vs_sip.h"
#include "ip_vs_sip_rs.h"

static unsigned int dialog_timeout = 1800;
module_param(dialog_timeout, uint, 0644);
MODULE_PARM_DESC(dialog_timeout,
		 "Idle seconds before an INVITE dialog's binding expires (1800)");

static unsigned int early_timeout = 180;
module_param(early_timeout, uint, 0644);
MODULE_PARM_DESC(early_timeout,
		 "Seconds a ringing INVITE (provisional answer seen) stays bound (180)");

static unsigned int transaction_timeout = 32;
module_param(transaction_timeout, uint, 0644);
MODULE_PARM_DESC(transaction_timeout,
		 "Idle seconds before a non-INVITE transaction's binding expires (32, 64*T1)");

static unsigned int linger_timeout = 32;
module_param(linger_timeout, uint, 0644);
MODULE_PARM_DESC(linger_timeout,
		 "Seconds a binding stays after BYE/CANCEL/failure (32)");

static unsigned int max_bindings = 262144;
module_param(max_bindings, uint, 0644);
MODULE_PARM_DESC(max_bindings,
		 "Most Call-ID bindings per service; more are placed by hash only (262144)");

static ulong hash_seed;
module_param(hash_seed, ulong, 0644);
MODULE_PARM_DESC(hash_seed,
		 "Consistent-hash seed; directors that must agree need the same one (0)");

/*
 * Windows of a datagram's header section that are not in the linear area,
 * copied for the parser (ip_vs_sip_payload()).
 */
struct ip_vs_sip_buf {
	u8	data[IP_VS_SIP_WIN];
};

static DEFINE_PER_CPU(struct ip_vs_sip_buf, ip_vs_sip_buf);

/**
 * ip_vs_sip_svc_create - scheduler state for a service
 * @svc: the IPVS service, or NULL (KUnit)
 * @dests: its destination list
 *
 * The settings are the module parameters' at this moment.
 *
 * Return: the state or an ERR_PTR.
 */
struct ip_vs_kaff_svc *ip_vs_sip_svc_create(struct ip_vs_service *svc,
					    struct list_head *dests)
{
	struct ip_vs_kaff_conf c = {
		.timeout = {
			[IP_VS_SIP_S_TRANSACTION] = READ_ONCE(transaction_timeout),
			[IP_VS_SIP_S_EARLY]	= READ_ONCE(early_timeout),
			[IP_VS_SIP_S_DIALOG]	= READ_ONCE(dialog_timeout),
			[IP_VS_SIP_S_LINGER]	= READ_ONCE(linger_timeout),
		},
		.max_bindings	= READ_ONCE(max_bindings),
		.seed		= READ_ONCE(hash_seed),
	};

	BUILD_BUG_ON(IP_VS_SIP_S_NSTATES > IP_VS_KAFF_NSTATES);
	BUILD_BUG_ON(IP_VS_SIP_C_NCOUNTERS > IP_VS_KAFF_NCLS);
	return ip_vs_kaff_svc_create(svc, dests, &c);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_svc_create);

static int ip_vs_sip_init_svc(struct ip_vs_service *svc)
{
	return ip_vs_kaff_init_svc(&ip_vs_sip_class, svc);
}

static void ip_vs_sip_done_svc(struct ip_vs_service *svc)
{
	ip_vs_kaff_done_svc(svc);
}

struct ip_vs_sip_skb {
	const struct sk_buff	*skb;
	unsigned int		off;	/* of the UDP payload */
};

static int ip_vs_sip_copy(void *ctx, size_t off, u8 *to, size_t len)
{
	const struct ip_vs_sip_skb *c = ctx;

	return skb_copy_bits(c->skb, c->off + off, to, len);
}

/*
 * ip_vs_sip_payload - parse the UDP payload of @skb
 * @stats: counts header sections cut at a cap (toolong), or NULL
 * @skb: the datagram
 * @iph: its headers as IPVS parsed them
 * @msg: result; msg->callid points into the skb's linear area or into this
 *       CPU's buffer, which the caller owns with bottom halves disabled
 *
 * The part of the payload in the linear area is parsed in place; the rest
 * of the header section, when needed, in windows copied into this CPU's
 * buffer (never linearizing the packet): ip_vs_sip_parse_chunks().
 *
 * Return: 0 when a Call-ID was found, -ENOENT otherwise.
 */
int ip_vs_sip_payload(struct ip_vs_kaff_stats __percpu *stats,
		      const struct sk_buff *skb, const struct ip_vs_iphdr *iph,
		      struct ip_vs_sip_msg *msg)
{
	struct ip_vs_sip_skb c = {
		.skb = skb,
		.off = iph->len + sizeof(struct udphdr),
	};
	int ret;

	if (skb->len <= c.off) {
		*msg = (struct ip_vs_sip_msg){ 0 };
		return -ENOENT;
	}
	ret = ip_vs_sip_parse_chunks(skb->data + c.off,
				     skb_headlen(skb) > c.off ?
				     skb_headlen(skb) - c.off : 0,
				     skb->len - c.off, ip_vs_sip_copy, &c,
				     this_cpu_ptr(&ip_vs_sip_buf)->data,
				     IP_VS_SIP_WIN, msg);
	if (stats && (msg->flags & IP_VS_SIP_F_TOOLONG))
		this_cpu_inc(stats->cls[IP_VS_SIP_C_TOOLONG]);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_payload);

static struct ip_vs_dest *ip_vs_sip_schedule(struct ip_vs_service *svc,
					     const struct sk_buff *skb,
					     struct ip_vs_iphdr *iph)
{
	struct ip_vs_kaff_svc *s = svc->sched_data;
	const struct ip_vs_kaff_table *t;
	struct ip_vs_sip_msg msg;
	struct ip_vs_dest *dest;
	u64 hash;

	local_bh_disable();
	t = rcu_dereference(s->table);
	this_cpu_inc(s->stats->messages);

	if (iph->protocol == IPPROTO_UDP && !iph->fragoffs &&
	    !ip_vs_iph_icmp(iph) &&
	    !ip_vs_sip_payload(s->stats, skb, iph, &msg)) {
		this_cpu_inc(s->stats->cls[IP_VS_SIP_C_PARSED]);
		hash = ip_vs_kaff_hash_key(t, msg.callid, msg.callid_len);
		if (msg.flags & IP_VS_SIP_F_OVERSIZED) {
			this_cpu_inc(s->stats->cls[IP_VS_SIP_C_OVERSIZED]);
			dest = ip_vs_kaff_table_pick(t, hash);
		} else if (svc->flags & IP_VS_SVC_F_SIP_STATELESS) {
			dest = ip_vs_kaff_table_pick(t, hash);
		} else {
			dest = ip_vs_sip_bind(s, t, &msg, hash,
					      ip_vs_kaff_move_quiesced(s,
								       svc->flags),
					      jiffies);
		}
		goto out;
	}

	/* No Call-ID: the client's address (and port) decide. */
	this_cpu_inc(s->stats->cls[IP_VS_SIP_C_NOKEY]);
	dest = ip_vs_kaff_pick_client(svc, t, skb, iph,
				      svc->flags & IP_VS_SVC_F_SIP_ADDR_ONLY);
out:
	if (!dest) {
		this_cpu_inc(s->stats->nodest);
		local_bh_enable();
		/* Port unreachable from the VIP, also on VIP-less directors */
		ip_vs_icmp_vip_no_dest(svc, skb, iph);
		ip_vs_scheduler_err(svc, "no destination available");
		return NULL;
	}
	local_bh_enable();
	return dest;
}

static struct ip_vs_kaff_scheduler ip_vs_sip_scheduler;

/*
 * For the "reply" persistence engine (ip_vs_sip_rs.h), which calls this
 * through the service's scheduler when a real server of a sip service
 * sends a datagram that answers no request: is it the server's own call?
 */
static int ip_vs_sip_rs_request(struct ip_vs_service *svc,
				struct ip_vs_dest *dest,
				const struct sk_buff *skb,
				const struct ip_vs_iphdr *iph)
{
	const struct ip_vs_kaff_table *t;
	struct ip_vs_sip_msg msg;
	struct ip_vs_kaff_svc *s;
	int v;

	/*
	 * svc->sched_data is ours (and alive) while we are its scheduler.
	 * fwmark services have no address of their own to give: the request
	 * records decide.
	 */
	if (rcu_access_pointer(svc->scheduler) != &ip_vs_sip_scheduler.sched ||
	    svc->fwmark || iph->protocol != IPPROTO_UDP || iph->fragoffs)
		return IP_VS_SIP_RS_NOKEY;
	/*
	 * Read sched_data after the scheduler pointer, as ip_vs_schedule()
	 * does: pairs with the release of rcu_assign_pointer() in
	 * ip_vs_bind_scheduler() (sched_data set before) and the smp_wmb()
	 * in ip_vs_unbind_scheduler() (the pointer cleared before
	 * done_service).
	 */
	smp_rmb();
	s = svc->sched_data;
	local_bh_disable();
	if (ip_vs_sip_payload(NULL, skb, iph, &msg)) {
		local_bh_enable();
		return IP_VS_SIP_RS_NOKEY;
	}
	t = rcu_dereference(s->table);
	v = ip_vs_sip_rs_decide(s, t, &msg, dest,
				!(msg.flags & IP_VS_SIP_F_OVERSIZED) &&
				!(svc->flags & IP_VS_SVC_F_SIP_STATELESS),
				jiffies);
	local_bh_enable();
	return v;
}

static struct ip_vs_kaff_scheduler ip_vs_sip_scheduler = {
	.sched = {
		.name =		"sip",
		.refcnt =	ATOMIC_INIT(0),
		.module =	THIS_MODULE,
		.n_list =	LIST_HEAD_INIT(ip_vs_sip_scheduler.sched.n_list),
		.init_service =	ip_vs_sip_init_svc,
		.done_service =	ip_vs_sip_done_svc,
		.add_dest =	ip_vs_kaff_dest_changed,
		.del_dest =	ip_vs_kaff_del_dest,
		.upd_dest =	ip_vs_kaff_upd_dest,
		.schedule =	ip_vs_sip_schedule,
	},
	.rs_request =	ip_vs_sip_rs_request,
};

static void ip_vs_sip_show_svc(struct seq_file *seq,
			       const struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_stats st;
	char name[64];

	ip_vs_kaff_svc_name(s->svc, name, sizeof(name));
	ip_vs_kaff_stats_sum(s, &st);
	seq_printf(seq,
		   "%-46s %u %u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
		   name, atomic_read(&s->nbindings),
		   READ_ONCE(s->conf.max_bindings),
		   st.messages, st.cls[IP_VS_SIP_C_PARSED],
		   st.cls[IP_VS_SIP_C_NOKEY], st.cls[IP_VS_SIP_C_OVERSIZED],
		   st.hits, st.created, st.expired, st.moved, st.refused,
		   st.cls[IP_VS_SIP_C_ENDED], st.nodest,
		   READ_ONCE(s->conf.seed), st.cls[IP_VS_SIP_C_TOOLONG]);
}

struct ip_vs_kaff_class ip_vs_sip_class = {
	.sched		= &ip_vs_sip_scheduler.sched,
	.name		= "ip_vs_sip",
	.header		=
		"Service                                        Bindings Cap Messages Parsed NoKey Oversized Hits Created Expired Moved Refused Ended NoDest Seed TooLong\n",
	.create		= ip_vs_sip_svc_create,
	.show		= ip_vs_sip_show_svc,
	.nl		= &ip_vs_sip_nl_desc,
};

static int __net_init ip_vs_sip_net_init(struct net *net)
{
	return ip_vs_kaff_proc_create(net, &ip_vs_sip_class);
}

static void __net_exit ip_vs_sip_net_exit(struct net *net)
{
	remove_proc_entry(ip_vs_sip_class.name, net->proc_net);
}

static struct pernet_operations ip_vs_sip_net_ops = {
	.init = ip_vs_sip_net_init,
	.exit = ip_vs_sip_net_exit,
};

static int __init ip_vs_sip_init(void)
{
	return ip_vs_kaff_register(&ip_vs_sip_class, &ip_vs_sip_net_ops);
}

static void __exit ip_vs_sip_cleanup(void)
{
	ip_vs_kaff_unregister(&ip_vs_sip_class, &ip_vs_sip_net_ops);
}

module_init(ip_vs_sip_init);
module_exit(ip_vs_sip_cleanup);
MODULE_DESCRIPTION("IPVS sip scheduler: Call-ID affinity with consistent hashing");
MODULE_LICENSE("GPL");
