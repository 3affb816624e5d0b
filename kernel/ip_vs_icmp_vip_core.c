// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP from the VIP: port unreachable errors that IPVS sends for a virtual
 * service leave with the virtual address (VIP) as their source, also on a
 * director that does not configure the VIP (fwmark service, "ip rule
 * fwmark N lookup T" and "local 0/0 dev lo table T", LVS HOWTO 23.5).
 *
 * When a service has no usable destination, ip_vs_leave() calls
 * icmp_send() or icmpv6_send() and drops the packet. On such a director
 * stock kernels send no IPv4 error at all (icmp_send() picks the VIP as
 * source and its output route lookup rejects a non-local source) and send
 * the IPv6 error from one of the director's own addresses. Neither
 * ip_vs_leave() nor the service table is reachable from a module
 * (ip_vs_service_find() and the service hash tables of ip_vs_ctl.c are not
 * exported, in 6.1 as in 6.12), so:
 *
 * 1. IPv6 (and any kernel-built IPv4 error): a LOCAL_IN hook just before
 *    IPVS (NF_IP_PRI_NAT_SRC - 3) remembers, per CPU, the first bytes of
 *    the packet IPVS is about to process (ip_vs_icmp_vip_snap). IPVS sends
 *    the error synchronously, on this CPU, from inside its own LOCAL_IN
 *    hook, so a port unreachable that passes LOCAL_OUT while the snapshot
 *    is armed and quotes exactly those bytes is the one IPVS generated
 *    about that packet. That error gets the quoted destination (the VIP)
 *    as its source; the checksum is updated and the packet rerouted, the
 *    quote is not touched. The snapshot is disarmed by a hook right after
 *    IPVS (the packet goes on: errors by later hooks or by a closed local
 *    port are not IPVS's) and by a hook at the very start of LOCAL_IN (so
 *    errors from INPUT filter rules are never taken for IPVS's), and is
 *    consumed by the error it matched. Errors about forwarded traffic or
 *    built by user space (raw sockets) never match.
 *
 * 2. IPv4 for our own schedulers: ip_vs_icmp_vip_no_dest(), called by a
 *    scheduler that returns NULL, builds the error itself from the VIP and
 *    routes it with FLOWI_FLAG_ANYSRC, when the kernel's icmp_send() would
 *    fail (input route local, VIP not a local address), under the same
 *    RFC 1122 rules and icmp_ratelimit/icmp_msgs_per_sec limits (the
 *    kernel's own where exported, else ip_vs_icmp_vip_limit.c's). If the
 *    kernel then builds one as well (kernel-patches/: 6.1/0001-ipvs-*,
 *    7.3/0002-ipvs-*), the output hook drops that duplicate.
 *
 * 3. IPv4 for every scheduler (module parameter stock_schedulers, on by
 *    default). THIS REACHES INTO IPVS: the conn_schedule operation of
 *    IPVS's TCP, UDP and SCTP protocol descriptors (ip_vs_proto_get() is
 *    exported; the descriptors are writable data of ip_vs.ko, shared by
 *    all namespaces) is replaced, at module load, by
 *    ip_vs_icmp_vip_conn_schedule(), which calls the original and is put
 *    back at unload (then synchronize_net()). Only IPVS's own operation is
 *    replaced (cmpxchg()); a protocol whose conn_schedule another module
 *    has replaced already is left alone, with a warning. conn_schedule is
 *    where IPVS looks the service up, schedules and, without a
 *    destination, calls ip_vs_leave(). For exactly the packets whose error
 *    icmp_send() would fail to route (IPv4, armed by our LOCAL_IN hook,
 *    local input route, destination not a local address, switch on, no
 *    cache bypass, for TCP a segment that can create a connection) the
 *    wrapper lends the packet, for the duration of that call only, a copy
 *    of its input route without RTCF_LOCAL (ip_vs_icmp_vip_dst_unlocal()).
 *    icmp_send() then sources the error from a local address, so it is
 *    built and routed with all of the kernel's own rules and rate limits,
 *    and the output hook of 1. gives it the VIP (rewritten_v4); if that
 *    fails it is dropped, as stock would have sent nothing. IPVS decides
 *    everything else itself: a usable destination means no error, as
 *    before. The route is given back before IPVS transmits the packet, so
 *    forwarding (local real servers too) sees the packet's own route.
 *    A hook ahead of IPVS cannot do this: without the service lookup it
 *    cannot know whether a packet is for a virtual service at all, and
 *    running conn_schedule from a hook would schedule one-packet (-o)
 *    services twice. The KUnit case icmp_vip_wraps_ipvs pins the wrap.
 *    With kernel-patches/ (6.1/0001-ipvs-send-port-unreachable-*, or the
 *    7.3/ series) ip_vs_leave() sends from the VIP itself; the wrapper changes nothing
 *    there (already_vip) and 2. does nothing while the wrapper is active.
 *
 * Nothing changes for a local VIP: the kernel already answers from it.
 *
 * Per network namespace: the switch /proc/sys/net/ipvs_udp/icmp_vip (1 by
 * default) and the counters in /proc/net/ip_vs_icmp_vip.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/inetdevice.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/sysctl.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/inetpeer.h>
#include <net/ip.h>
#include <net/ip_vs.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/sock.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "ip_vs_icmp_vip.h"
#include "ip_vs_udp_nl.h"

/* Counters, per network namespace and CPU; names for /proc/net. */
enum {
	IP_VS_ICMP_VIP_REWRITTEN4,	/* kernel-built IPv4 errors given the VIP */
	IP_VS_ICMP_VIP_REWRITTEN6,	/* kernel-built IPv6 errors given the VIP */
	IP_VS_ICMP_VIP_GENERATED4,	/* IPv4 errors built here (schedulers) */
	IP_VS_ICMP_VIP_ALREADY_VIP,	/* IPVS errors that had the VIP already */
	IP_VS_ICMP_VIP_DUPLICATES,	/* second errors about a packet, dropped */
	IP_VS_ICMP_VIP_RATELIMITED,	/* errors not built here: rate limits */
	IP_VS_ICMP_VIP_FAILED,		/* no memory or no route from the VIP */
	IP_VS_ICMP_VIP_NR_STATS
};

static const char * const ip_vs_icmp_vip_stat_names[] = {
	[IP_VS_ICMP_VIP_REWRITTEN4]	= "rewritten_v4",
	[IP_VS_ICMP_VIP_REWRITTEN6]	= "rewritten_v6",
	[IP_VS_ICMP_VIP_GENERATED4]	= "generated_v4",
	[IP_VS_ICMP_VIP_ALREADY_VIP]	= "already_vip",
	[IP_VS_ICMP_VIP_DUPLICATES]	= "duplicates",
	[IP_VS_ICMP_VIP_RATELIMITED]	= "ratelimited",
	[IP_VS_ICMP_VIP_FAILED]		= "failed",
};

struct ip_vs_icmp_vip_stats {
	u64 cnt[IP_VS_ICMP_VIP_NR_STATS];
};

struct ip_vs_icmp_vip_net {
	int enable;
	struct ip_vs_icmp_vip_stats __percpu *stats;
	struct ctl_table_header *sysctl;
	struct ctl_table table[2];	/* net.ipvs_udp.icmp_vip, sentinel */
#ifndef IPVS_UDP_ICMP_LIMITS_EXPORTED
	struct ip_vs_icmp_vip_limit limit;	/* the kernel's: not exported */
#endif
};

static unsigned int ip_vs_icmp_vip_net_id __read_mostly;

static bool ip_vs_icmp_vip_stock_schedulers = true;
module_param_named(stock_schedulers, ip_vs_icmp_vip_stock_schedulers, bool,
		   0444);
MODULE_PARM_DESC(stock_schedulers,
		 "IPv4 errors from a non-local VIP for every scheduler, by wrapping IPVS's conn_schedule (Y); N: only for schedulers that call ip_vs_icmp_vip_no_dest()");

/* For the KUnit suite: was the wrap asked for? */
bool ip_vs_icmp_vip_wrap_wanted(void)
{
	return ip_vs_icmp_vip_stock_schedulers;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_wrap_wanted);

static DEFINE_PER_CPU(struct ip_vs_icmp_vip_snap, ip_vs_icmp_vip_snaps);

static struct ip_vs_icmp_vip_net *ip_vs_icmp_vip_pernet(const struct net *net)
{
	return net_generic(net, ip_vs_icmp_vip_net_id);
}

static void ip_vs_icmp_vip_inc(struct ip_vs_icmp_vip_net *n, int i)
{
	this_cpu_inc(n->stats->cnt[i]);
}

/* LOCAL_IN, first hook and right after IPVS: no packet of IPVS's now. */
static unsigned int ip_vs_icmp_vip_disarm(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	struct ip_vs_icmp_vip_snap *s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);

	if (s->state != IP_VS_ICMP_VIP_IDLE)
		s->state = IP_VS_ICMP_VIP_IDLE;
	return NF_ACCEPT;
}

/* LOCAL_IN, just before IPVS: remember what IPVS is about to process. */
static unsigned int ip_vs_icmp_vip_arm(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct ip_vs_icmp_vip_snap *s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(state->net);
	u8 proto;

	s->state = IP_VS_ICMP_VIP_IDLE;
	if (!READ_ONCE(n->enable) || skb->ipvs_property ||
	    skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	/* ip_vs_leave() sends errors about TCP, UDP and SCTP only. */
	if (state->pf == NFPROTO_IPV6) {
		proto = ipv6_hdr(skb)->nexthdr;
		if (proto == IPPROTO_ICMPV6)
			return NF_ACCEPT;
		ip_vs_icmp_vip_snap_take(s, skb, state->net, AF_INET6);
	} else {
		proto = ip_hdr(skb)->protocol;
		if (proto != IPPROTO_UDP && proto != IPPROTO_TCP &&
		    proto != IPPROTO_SCTP)
			return NF_ACCEPT;
		ip_vs_icmp_vip_snap_take(s, skb, state->net, AF_INET);
	}
	return NF_ACCEPT;
}

static int ip_vs_icmp_vip_reroute(struct net *net, struct sk_buff *skb,
				  int af)
{
	if (af == AF_INET6)
		return ip6_route_me_harder(net, skb->sk, skb);
	return ip_route_me_harder(net, skb->sk, skb, RTN_UNSPEC);
}

/* Give an IPVS error the VIP as source; false when it must stay as is. */
static bool ip_vs_icmp_vip_rewrite(struct net *net, struct sk_buff *skb,
				   int af, const struct ip_vs_icmp_vip_err *e,
				   const union nf_inet_addr *vip,
				   const union nf_inet_addr *old)
{
	int ret;

	if (af == AF_INET6)
		ret = ip_vs_icmp_vip_set_saddr6(skb, e, &vip->in6);
	else
		ret = ip_vs_icmp_vip_set_saddr4(skb, vip->ip);
	if (ret)
		return false;
	if (!ip_vs_icmp_vip_reroute(net, skb, af))
		return true;
	/* No route from the VIP: send it as the kernel built it. */
	if (af == AF_INET6)
		ip_vs_icmp_vip_set_saddr6(skb, e, &old->in6);
	else
		ip_vs_icmp_vip_set_saddr4(skb, old->ip);
	return false;
}

/* LOCAL_OUT, before everything else: the errors IPVS just generated. */
static unsigned int ip_vs_icmp_vip_out(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(state->net);
	int af = state->pf == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	unsigned int verdict = NF_ACCEPT;
	struct ip_vs_icmp_vip_snap *s;
	struct ip_vs_icmp_vip_err e;
	union nf_inet_addr old, vip;
	size_t alen;
	bool done;

	if (!READ_ONCE(n->enable))
		return NF_ACCEPT;
	if (af == AF_INET6 ? ipv6_hdr(skb)->nexthdr != IPPROTO_ICMPV6 :
	    ip_hdr(skb)->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;
	/* Errors built by user space (raw sockets) are never IPVS's. */
	if (skb->sk && !skb->sk->sk_kern_sock)
		return NF_ACCEPT;
	if (ip_vs_icmp_vip_parse(skb, af, &e))
		return NF_ACCEPT;

	local_bh_disable();
	s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);
	if (s->state == IP_VS_ICMP_VIP_IDLE || s->net != state->net ||
	    s->af != af || !ip_vs_icmp_vip_snap_match(s, skb, &e))
		goto out;

	switch (s->state) {
	case IP_VS_ICMP_VIP_SENDING:		/* ours */
		goto out;
	case IP_VS_ICMP_VIP_ANSWERED:
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_DUPLICATES);
		verdict = NF_DROP;
		goto out;
	}

	s->state = IP_VS_ICMP_VIP_ANSWERED;
	alen = af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(__be32);
	if (af == AF_INET6)
		old.in6 = ipv6_hdr(skb)->saddr;
	else
		old.ip = ip_hdr(skb)->saddr;
	if (ip_vs_icmp_vip_quoted_daddr(skb, af, &e, &vip)) {
		done = false;
	} else if (!memcmp(&vip, &old, alen)) {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_ALREADY_VIP);
		goto out;
	} else {
		done = ip_vs_icmp_vip_rewrite(state->net, skb, af, &e, &vip,
					      &old);
	}
	if (done) {
		ip_vs_icmp_vip_inc(n, af == AF_INET6 ?
				   IP_VS_ICMP_VIP_REWRITTEN6 :
				   IP_VS_ICMP_VIP_REWRITTEN4);
	} else {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_FAILED);
		/* Only our route copy made this error: stock sends none. */
		if (s->forced)
			verdict = NF_DROP;
	}
out:
	local_bh_enable();
	return verdict;
}

static const struct nf_hook_ops ip_vs_icmp_vip_ops[] = {
	{
		.hook		= ip_vs_icmp_vip_disarm,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FIRST,
	},
	/* ip_vs_in_hook is at NF_IP_PRI_NAT_SRC - 1, ip_vs_out_hook at -2 */
	{
		.hook		= ip_vs_icmp_vip_arm,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 3,
	},
	{
		.hook		= ip_vs_icmp_vip_disarm,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC,
	},
	/* Before raw, conntrack, mangle and filter see the error. */
	{
		.hook		= ip_vs_icmp_vip_out,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook		= ip_vs_icmp_vip_disarm,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FIRST,
	},
	{
		.hook		= ip_vs_icmp_vip_arm,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC - 3,
	},
	{
		.hook		= ip_vs_icmp_vip_disarm,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC,
	},
	{
		.hook		= ip_vs_icmp_vip_out,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	},
};

/*
 * The kernel's ICMP rate limits, where exported: one budget with every
 * other error of the namespace. Elsewhere the same sysctls applied by
 * ip_vs_icmp_vip_limit.c, to the errors built here.
 */
#ifdef IPVS_UDP_ICMP_LIMITS_EXPORTED
static bool ip_vs_icmp_vip_credit(struct net *net, struct ip_vs_icmp_vip_net *n)
{
	return icmp_global_allow(net);
}

static bool ip_vs_icmp_vip_peer_ok(struct net *net,
				   struct ip_vs_icmp_vip_net *n,
				   struct net_device *dev, __be32 daddr)
{
	struct inet_peer *peer;
	bool allow;

	rcu_read_lock();
	peer = inet_getpeer_v4(net->ipv4.peers, daddr,
			       l3mdev_master_ifindex_rcu(dev));
	allow = inet_peer_xrlim_allow(peer,
				      READ_ONCE(net->ipv4.sysctl_icmp_ratelimit));
	rcu_read_unlock();
	return allow;
}

static void ip_vs_icmp_vip_consume(struct net *net,
				   struct ip_vs_icmp_vip_net *n)
{
	icmp_global_consume(net);
}
#else
static bool ip_vs_icmp_vip_credit(struct net *net, struct ip_vs_icmp_vip_net *n)
{
	return ip_vs_icmp_vip_limit_global(&n->limit, jiffies,
					   READ_ONCE(net->ipv4.sysctl_icmp_msgs_per_sec),
					   READ_ONCE(net->ipv4.sysctl_icmp_msgs_burst));
}

static bool ip_vs_icmp_vip_peer_ok(struct net *net,
				   struct ip_vs_icmp_vip_net *n,
				   struct net_device *dev, __be32 daddr)
{
	return ip_vs_icmp_vip_limit_peer(&n->limit, daddr, jiffies,
					 READ_ONCE(net->ipv4.sysctl_icmp_ratelimit));
}

static void ip_vs_icmp_vip_consume(struct net *net,
				   struct ip_vs_icmp_vip_net *n)
{
	ip_vs_icmp_vip_limit_consume(&n->limit, get_random_u32_below(3));
}
#endif

/* icmpv4_global_allow() and icmpv4_xrlim_allow() of net/ipv4/icmp.c */
static bool ip_vs_icmp_vip_global_allow(struct net *net,
					struct ip_vs_icmp_vip_net *n,
					const struct sk_buff *skb,
					bool *apply)
{
	*apply = false;
	if (skb->dev && skb->dev->flags & IFF_LOOPBACK)
		return true;
	if (!((1 << ICMP_DEST_UNREACH) &
	      READ_ONCE(net->ipv4.sysctl_icmp_ratemask)))
		return true;
	if (!ip_vs_icmp_vip_credit(net, n)) {
		__ICMP_INC_STATS(net, ICMP_MIB_RATELIMITGLOBAL);
		return false;
	}
	*apply = true;
	return true;
}

static bool ip_vs_icmp_vip_peer_allow(struct net *net,
				      struct ip_vs_icmp_vip_net *n,
				      struct rtable *rt, __be32 daddr)
{
	struct net_device *dev = rt->dst.dev;

	if (!(dev->flags & IFF_LOOPBACK) &&
	    !ip_vs_icmp_vip_peer_ok(net, n, dev, daddr)) {
		__ICMP_INC_STATS(net, ICMP_MIB_RATELIMITHOST);
		return false;
	}
	ip_vs_icmp_vip_consume(net, n);
	return true;
}

/* The IPv4 port unreachable about @skb from its destination, the VIP. */
static bool ip_vs_icmp_vip_send4(struct net *net, struct ip_vs_icmp_vip_net *n,
				 const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt = skb_rtable(skb);
	struct ip_vs_icmp_vip_snap *s;
	struct ip_vs_icmp_vip_err e;
	struct sk_buff *nskb;
	struct flowi4 fl4;
	bool apply, ours;

	if (!rt || rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST) ||
	    !ip_vs_icmp_vip_may_answer4(skb))
		return false;

	local_bh_disable();
	if (!ip_vs_icmp_vip_global_allow(net, n, skb, &apply)) {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_RATELIMITED);
		goto out;
	}
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = iph->saddr;
	fl4.saddr = iph->daddr;
	fl4.flowi4_mark = IP4_REPLY_MARK(net, skb->mark);
	ipvs_udp_flowi4_set_tos(&fl4, iph->tos);
	fl4.flowi4_proto = IPPROTO_ICMP;
	fl4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	fl4.flowi4_uid = sock_net_uid(net, NULL);
	fl4.fl4_icmp_type = ICMP_DEST_UNREACH;
	fl4.fl4_icmp_code = ICMP_PORT_UNREACH;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_FAILED);
		goto out;
	}
	if (apply && !ip_vs_icmp_vip_peer_allow(net, n, rt, fl4.daddr)) {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_RATELIMITED);
		ip_rt_put(rt);
		goto out;
	}
	nskb = ip_vs_icmp_vip_build4(skb, fl4.saddr, fl4.daddr,
				     RT_TOS(iph->tos) |
				     IPTOS_PREC_INTERNETCONTROL,
				     ip4_dst_hoplimit(&rt->dst),
				     dst_mtu(&rt->dst),
				     LL_RESERVED_SPACE(rt->dst.dev));
	if (!nskb) {
		ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_FAILED);
		ip_rt_put(rt);
		goto out;
	}
	nskb->mark = fl4.flowi4_mark;
	skb_dst_set(nskb, &rt->dst);
	ip_select_ident(net, nskb, NULL);

	/* Mark the packet answered, so that a kernel-built error about it
	 * (a patched ip_vs_leave()) is dropped as a duplicate.
	 */
	s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);
	ours = s->state == IP_VS_ICMP_VIP_ARMED && s->net == net &&
	       s->af == AF_INET &&
	       !ip_vs_icmp_vip_parse(nskb, AF_INET, &e) &&
	       ip_vs_icmp_vip_snap_match(s, nskb, &e);
	if (ours)
		s->state = IP_VS_ICMP_VIP_SENDING;
	ICMPMSGOUT_INC_STATS(net, ICMP_DEST_UNREACH);
	ICMP_INC_STATS(net, ICMP_MIB_OUTMSGS);
	ip_vs_icmp_vip_inc(n, IP_VS_ICMP_VIP_GENERATED4);
	ip_local_out(net, NULL, nskb);
	if (ours)
		s->state = IP_VS_ICMP_VIP_ANSWERED;
	local_bh_enable();
	return true;
out:
	local_bh_enable();
	return false;
}

/* Would icmp_send() fail to route an error about @skb? Only for a local
 * input route to an address that is not a local address (the VIP of a
 * VIP-less director); otherwise it does the right thing itself.
 */
static bool ip_vs_icmp_vip_unroutable4(struct net *net,
				       const struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	bool local;

	if (!rt || !rt_is_input_route(rt) || !(rt->rt_flags & RTCF_LOCAL))
		return false;
	rcu_read_lock();
	local = __ip_dev_find(net, ip_hdr(skb)->daddr, false);
	rcu_read_unlock();
	return !local;
}

bool ip_vs_icmp_vip_no_dest(struct ip_vs_service *svc,
			    const struct sk_buff *skb,
			    const struct ip_vs_iphdr *iph)
{
	struct net *net = svc->ipvs->net;
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(net);
	__be16 _ports[2], *ports;

	if (!READ_ONCE(n->enable) || svc->af != AF_INET ||
	    iph->hdr_flags & (IP_VS_HDR_INVERSE | IP_VS_HDR_ICMP))
		return false;
	/* What ip_vs_leave() does instead of sending an error. */
	if (svc->fwmark && sysctl_cache_bypass(svc->ipvs))
		return false;
	if (svc->port == FTPPORT) {
		ports = skb_header_pointer(skb, iph->len, sizeof(_ports),
					   _ports);
		if (!ports || ports[1] != FTPPORT)
			return false;
	}
	/* Under the conn_schedule wrapper the packet holds a route copy
	 * without RTCF_LOCAL: icmp_send() works and this does nothing.
	 */
	if (!ip_vs_icmp_vip_unroutable4(net, skb))
		return false;
	return ip_vs_icmp_vip_send4(net, n, skb);
}
EXPORT_SYMBOL_GPL(ip_vs_icmp_vip_no_dest);

/*
 * The conn_schedule wrapper (3. at the top). IPVS's descriptors and their
 * original operations; set at module load, before the wrapper is
 * installed, and read-only while it is. The type of orig is IPVS's own
 * (no typedef: checkpatch refuses typedefs of typeof()).
 */
static struct ip_vs_icmp_vip_wrap {
	typeof_member(struct ip_vs_protocol, conn_schedule) orig;
	struct ip_vs_protocol *pp;	/* NULL: not wrapped */
	u8 protocol;
} ip_vs_icmp_vip_wraps[] = {
	{ .protocol = IPPROTO_UDP },
	{ .protocol = IPPROTO_TCP },
	{ .protocol = IPPROTO_SCTP },
};

/* Is @skb a packet whose error icmp_send() could not route, and may we
 * lend it a route copy while IPVS schedules it?
 */
static bool ip_vs_icmp_vip_force_candidate(struct netns_ipvs *ipvs, int af,
					   const struct sk_buff *skb,
					   const struct ip_vs_iphdr *iph)
{
	const struct ip_vs_icmp_vip_snap *s;
	const struct tcphdr *th;
	struct net *net = ipvs->net;
	struct tcphdr _th;
	struct rtable *rt;

	if (af != AF_INET ||
	    iph->hdr_flags & (IP_VS_HDR_INVERSE | IP_VS_HDR_ICMP))
		return false;
	/* Received packets only; LOCAL_IN runs with BHs off. */
	rt = skb_rtable(skb);
	if (!rt || !rt_is_input_route(rt) || !(rt->rt_flags & RTCF_LOCAL) ||
	    !in_softirq())
		return false;
	/* The packet our LOCAL_IN hook armed the snapshot for: the output
	 * hook will know its error.
	 */
	s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);
	if (s->state != IP_VS_ICMP_VIP_ARMED || s->skb != skb ||
	    s->net != net || s->af != AF_INET)
		return false;
	if (!READ_ONCE(ip_vs_icmp_vip_pernet(net)->enable))
		return false;
	/* ip_vs_leave() may transmit the packet itself (fwmark services). */
	if (sysctl_cache_bypass(ipvs))
		return false;
	/* tcp_conn_schedule() lets a segment that cannot create a
	 * connection pass unscheduled (drops it when truncated): no error,
	 * so no route copy for it.
	 */
	if (iph->protocol == IPPROTO_TCP) {
		th = skb_header_pointer(skb, iph->len, sizeof(_th), &_th);
		if (!th || th->rst || !(th->syn || sysctl_sloppy_tcp(ipvs)))
			return false;
	}
	return ip_vs_icmp_vip_unroutable4(net, skb);
}

/* Exported for the KUnit suite only: it checks that IPVS calls it. */
int ip_vs_icmp_vip_conn_schedule(struct netns_ipvs *ipvs, int af,
				 struct sk_buff *skb,
				 struct ip_vs_proto_data *pd, int *verdict,
				 struct ip_vs_conn **cpp,
				 struct ip_vs_iphdr *iph)
{
	typeof(ip_vs_icmp_vip_wraps[0].orig) orig = NULL;
	struct ip_vs_icmp_vip_dst_swap sw;
	struct ip_vs_icmp_vip_snap *s;
	int i, ret;

	/* IPVS read pp->conn_schedule; pairs with smp_wmb() in install. */
	smp_rmb();
	for (i = 0; i < ARRAY_SIZE(ip_vs_icmp_vip_wraps); i++)
		if (READ_ONCE(ip_vs_icmp_vip_wraps[i].pp) == pd->pp)
			orig = ip_vs_icmp_vip_wraps[i].orig;
	if (WARN_ON_ONCE(!orig))
		return 1;	/* not scheduled: the packet goes on */

	if (!ip_vs_icmp_vip_force_candidate(ipvs, af, skb, iph) ||
	    ip_vs_icmp_vip_dst_unlocal(skb, &sw))
		return orig(ipvs, af, skb, pd, verdict, cpp, iph);

	s = this_cpu_ptr(&ip_vs_icmp_vip_snaps);
	s->forced = 1;
	ret = orig(ipvs, af, skb, pd, verdict, cpp, iph);
	s->forced = 0;
	/* The packet gets its own route back before IPVS transmits it. */
	if (!ret && *verdict == NF_STOLEN)
		ip_vs_icmp_vip_dst_forget(&sw);		/* skb is gone */
	else
		ip_vs_icmp_vip_dst_restore(skb, &sw);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_conn_schedule);

/*
 * Is @fn IPVS's own code: in the module (or kernel image) that holds
 * ip_vs_proto_get()? __module_text_address() would tell, but it is not
 * exported (6.1, 6.12); kallsyms tells as well: "%ps" prints a function
 * of a module as "name [module]", one of the kernel image as "name". No
 * when kallsyms cannot name them (a bare "0x..." address).
 */
static bool ip_vs_icmp_vip_is_ipvs_fn(const void *fn)
{
	const char *m, *ipvs_m;
	char *buf, *ipvs;
	bool same = false;

	buf = kmalloc(2 * KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!buf)
		return false;
	ipvs = buf + KSYM_SYMBOL_LEN;
	snprintf(buf, KSYM_SYMBOL_LEN, "%ps", fn);
	snprintf(ipvs, KSYM_SYMBOL_LEN, "%ps", (void *)ip_vs_proto_get);
	if (strncmp(buf, "0x", 2) && strncmp(ipvs, "0x", 2)) {
		m = strchr(buf, '[');
		ipvs_m = strchr(ipvs, '[');
		same = m && ipvs_m ? !strcmp(m, ipvs_m) : m == ipvs_m;
	}
	kfree(buf);
	return same;
}

/* Leave @w's protocol alone: its conn_schedule is @cur, not IPVS's. */
static void ip_vs_icmp_vip_wrap_refuse(struct ip_vs_icmp_vip_wrap *w,
				       const void *cur)
{
	pr_warn("IPVS %s conn_schedule already replaced (%ps); not wrapping\n",
		w->pp->name, cur);
	/* The wrapper may be running for another protocol already. */
	WRITE_ONCE(w->pp, NULL);
}

/*
 * Only IPVS's own operations are wrapped: on top of another module's
 * replacement, one of the two unloads would put back an operation of a
 * module that is gone.
 */
static void ip_vs_icmp_vip_wrap_install(void)
{
	typeof(ip_vs_icmp_vip_wraps[0].orig) cur;
	struct ip_vs_icmp_vip_wrap *w;
	int i;

	/* The wrapper's prototype is IPVS's, whatever the kernel. */
	BUILD_BUG_ON(!__same_type(&ip_vs_icmp_vip_conn_schedule,
				  ip_vs_icmp_vip_wraps[0].orig));
	for (i = 0; i < ARRAY_SIZE(ip_vs_icmp_vip_wraps); i++) {
		w = &ip_vs_icmp_vip_wraps[i];
		w->pp = ip_vs_proto_get(w->protocol);
		w->orig = w->pp ? READ_ONCE(w->pp->conn_schedule) : NULL;
		if (!w->orig)
			w->pp = NULL;
		else if (!ip_vs_icmp_vip_is_ipvs_fn((void *)w->orig))
			ip_vs_icmp_vip_wrap_refuse(w, (void *)w->orig);
	}
	/* The table is complete before IPVS can call the wrapper. */
	smp_wmb();
	for (i = 0; i < ARRAY_SIZE(ip_vs_icmp_vip_wraps); i++) {
		w = &ip_vs_icmp_vip_wraps[i];
		if (!w->pp)
			continue;
		/* Replaced since it was checked: as above. */
		cur = cmpxchg(&w->pp->conn_schedule, w->orig,
			      ip_vs_icmp_vip_conn_schedule);
		if (cur != w->orig)
			ip_vs_icmp_vip_wrap_refuse(w, (void *)cur);
	}
}

static void ip_vs_icmp_vip_wrap_remove(void)
{
	struct ip_vs_icmp_vip_wrap *w;
	typeof(ip_vs_icmp_vip_wraps[0].orig) cur;
	bool wrapped = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(ip_vs_icmp_vip_wraps); i++) {
		w = &ip_vs_icmp_vip_wraps[i];
		if (!w->pp)
			continue;
		cur = cmpxchg(&w->pp->conn_schedule,
			      ip_vs_icmp_vip_conn_schedule, w->orig);
		/* Not a WARN: nothing here can be undone, and test kernels
		 * run with panic_on_warn.
		 */
		if (cur != ip_vs_icmp_vip_conn_schedule)
			pr_emerg("IPVS %s conn_schedule was wrapped on top of ip_vs_icmp_vip by another module (%ps); it still calls this module, which is going away: unloading that module after this one is a use-after-free\n",
				 w->pp->name, (void *)cur);
		wrapped = true;
	}
	/* No CPU is inside the wrapper (RCU readers: netfilter hooks). */
	if (wrapped)
		synchronize_net();
}

static int ip_vs_icmp_vip_proc_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(net);
	u64 sum[IP_VS_ICMP_VIP_NR_STATS] = {};
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < IP_VS_ICMP_VIP_NR_STATS; i++)
			sum[i] += READ_ONCE(per_cpu_ptr(n->stats, cpu)->cnt[i]);
	seq_printf(seq, "enabled %d\n", READ_ONCE(n->enable));
	for (i = 0; i < IP_VS_ICMP_VIP_NR_STATS; i++)
		seq_printf(seq, "%s %llu\n", ip_vs_icmp_vip_stat_names[i],
			   sum[i]);
	return 0;
}

/* counters-get of the ipvs_udp generic netlink family (ip_vs_udp_nl) */
static int ip_vs_icmp_vip_nl_counters(struct sk_buff *msg, struct net *net,
				      const struct ip_vs_udp_nl_svc_key *filter,
				      struct netlink_ext_ack *extack)
{
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(net);
	u64 sum[IP_VS_ICMP_VIP_NR_STATS] = {};
	struct nlattr *nest;
	int cpu, i;

	/* the counters in the spec's order, after "enabled" */
	BUILD_BUG_ON(IPVS_UDP_A_ICMP_VIP_COUNTERS_FAILED -
		     IPVS_UDP_A_ICMP_VIP_COUNTERS_REWRITTEN_V4 + 1 !=
		     IP_VS_ICMP_VIP_NR_STATS);
	for_each_possible_cpu(cpu)
		for (i = 0; i < IP_VS_ICMP_VIP_NR_STATS; i++)
			sum[i] += READ_ONCE(per_cpu_ptr(n->stats, cpu)->cnt[i]);
	nest = nla_nest_start(msg, IPVS_UDP_A_COUNTERS_ICMP_VIP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, IPVS_UDP_A_ICMP_VIP_COUNTERS_ENABLED,
			READ_ONCE(n->enable)))
		goto err;
	for (i = 0; i < IP_VS_ICMP_VIP_NR_STATS; i++)
		if (nla_put_u64_64bit(msg,
				      IPVS_UDP_A_ICMP_VIP_COUNTERS_REWRITTEN_V4 + i,
				      sum[i], IPVS_UDP_A_ICMP_VIP_COUNTERS_PAD))
			goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

const struct ip_vs_udp_nl_provider ip_vs_icmp_vip_nl_provider_v2 = {
	.counters = ip_vs_icmp_vip_nl_counters,
};
EXPORT_SYMBOL_GPL(ip_vs_icmp_vip_nl_provider_v2);

static const struct ctl_table ip_vs_icmp_vip_table = {
	.procname	= "icmp_vip",
	.maxlen		= sizeof(int),
	.mode		= 0644,
	.proc_handler	= proc_dointvec_minmax,
	.extra1		= SYSCTL_ZERO,
	.extra2		= SYSCTL_ONE,
};

static int __net_init ip_vs_icmp_vip_net_init(struct net *net)
{
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(net);
	int ret = -ENOMEM;

	n->enable = 1;
#ifndef IPVS_UDP_ICMP_LIMITS_EXPORTED
	ip_vs_icmp_vip_limit_init(&n->limit, jiffies);
#endif
	n->stats = alloc_percpu(struct ip_vs_icmp_vip_stats);
	if (!n->stats)
		return -ENOMEM;
	n->table[0] = ip_vs_icmp_vip_table;
	n->table[0].data = &n->enable;
	n->sysctl = ipvs_udp_register_net_sysctl(net, "net/ipvs_udp", n->table,
						 1);
	if (!n->sysctl)
		goto err_stats;
	if (!proc_create_net_single("ip_vs_icmp_vip", 0444, net->proc_net,
				    ip_vs_icmp_vip_proc_show, NULL))
		goto err_sysctl;
	ret = nf_register_net_hooks(net, ip_vs_icmp_vip_ops,
				    ARRAY_SIZE(ip_vs_icmp_vip_ops));
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	remove_proc_entry("ip_vs_icmp_vip", net->proc_net);
err_sysctl:
	unregister_net_sysctl_table(n->sysctl);
err_stats:
	free_percpu(n->stats);
	return ret;
}

/* Hooks go first; the core waits for RCU readers before ->exit. */
static void __net_exit ip_vs_icmp_vip_net_pre_exit(struct net *net)
{
	/* Off first: the wrapper and no_dest() are not behind the hooks. */
	WRITE_ONCE(ip_vs_icmp_vip_pernet(net)->enable, 0);
	nf_unregister_net_hooks(net, ip_vs_icmp_vip_ops,
				ARRAY_SIZE(ip_vs_icmp_vip_ops));
}

static void __net_exit ip_vs_icmp_vip_net_exit(struct net *net)
{
	struct ip_vs_icmp_vip_net *n = ip_vs_icmp_vip_pernet(net);

	remove_proc_entry("ip_vs_icmp_vip", net->proc_net);
	unregister_net_sysctl_table(n->sysctl);
	free_percpu(n->stats);
}

static struct pernet_operations ip_vs_icmp_vip_net_ops = {
	.init = ip_vs_icmp_vip_net_init,
	.pre_exit = ip_vs_icmp_vip_net_pre_exit,
	.exit = ip_vs_icmp_vip_net_exit,
	.id = &ip_vs_icmp_vip_net_id,
	.size = sizeof(struct ip_vs_icmp_vip_net),
};

static int __init ip_vs_icmp_vip_init(void)
{
	int ret;

	ret = register_pernet_subsys(&ip_vs_icmp_vip_net_ops);
	if (ret)
		return ret;
	if (ip_vs_icmp_vip_stock_schedulers)
		ip_vs_icmp_vip_wrap_install();
	return 0;
}

static void __exit ip_vs_icmp_vip_cleanup(void)
{
	ip_vs_icmp_vip_wrap_remove();
	unregister_pernet_subsys(&ip_vs_icmp_vip_net_ops);
}

module_init(ip_vs_icmp_vip_init);
module_exit(ip_vs_icmp_vip_cleanup);
MODULE_DESCRIPTION("IPVS: ICMP port unreachable from the virtual address");
MODULE_LICENSE("GPL");
