// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "reply" persistence engine: one-packet scheduling whose replies are
 * translated back to the service address, and only those.
 *
 *   ipvsadm -A -u VIP:53 -s rr -o --pe reply        # autoloads this module
 *   ipvsadm -A -f 1 -s rr -o --pe reply             # fwmark services too
 *
 * With one-packet scheduling (-o) IPVS schedules every datagram but hashes
 * no connection entry, so in NAT mode a real server's reply finds nothing
 * to undo the translation and leaves with the real server's address; a
 * client with a connected socket (a DNS stub resolver) never sees it.
 * Upstream's only remedy is the "sip" engine's conn_out, which gives the
 * service address to anything a real server sends from its service port,
 * requested or not, and cannot serve fwmark services.
 *
 * This engine records each request IPVS forwards and translates a reply
 * only while its request is outstanding (ip_vs_pe_reply_table.c):
 *
 *  1. A LOCAL_IN hook just before IPVS's (NF_IP_PRI_NAT_SRC - 3) notes, per
 *     CPU, the skb and the address and port the client sent it to.
 *  2. IPVS's NAT transmit re-enters LOCAL_OUT synchronously on the same CPU
 *     with the request translated to the real server and skb->ipvs_property
 *     set (ip_vs_nat_send_or_cont()). A LOCAL_OUT hook that sees the same
 *     skb records the request: (client, real server, DNS/RADIUS ID) ->
 *     (service address and port, time). DR and tunnel transmits are not
 *     recorded (their replies never pass here).
 *  3. IPVS calls conn_out for a datagram from a real server that matches no
 *     connection entry (ip_vs_out() at FORWARD, __ip_vs_rs_conn_out()).
 *     Within the reply timeout (reply_timeout_ms, 5 s) a matching request
 *     yields a one-packet entry with the address the client used, and the
 *     reply leaves from it; duplicates of an answered request too (a DNS
 *     client may retransmit). Anything else - unsolicited, late, or its
 *     request not recorded - gets NULL: it passes unchanged, with the real
 *     server's own address, as any datagram the real server sends (it uses
 *     the director as its default gateway). It is not dropped: dropping
 *     would also cut off the real server's own traffic to those hosts.
 *     (With the sysctl nat_icmp_send, IPVS itself answers such datagrams
 *     with an ICMP error and drops them.) For services whose scheduler is
 *     "sip", the Call-ID's binding decides instead (ip_vs_pe_reply_kaff()):
 *     a SIP server's own requests leave from the service address when the
 *     call is that server's.
 *
 * The hooks cost a few loads per packet unless some service in the
 * namespace (and, from 7.1 on, family) has an engine with conn_out
 * (netns_ipvs.conn_out_counter, ipvs_udp_conn_out_count()) and
 * this module is referenced (module_refcount(): IPVS takes one reference
 * per service using the engine; the lor scheduler, which links to this
 * module, holds one too). IPVS does not tell an engine which services use
 * it, so the LOCAL_OUT hook asks the question IPVS asks of the reply: a
 * request is recorded only when IPVS will hand the datagrams of its real
 * server to this engine (ip_vs_pe_reply_rs_ours()). Requests of other
 * services - without an engine, or with upstream's "sip" engine - are not
 * recorded, so they never show as timeouts here.
 *
 * The engine is for one-packet services (-o). A service without -o hashes
 * a connection entry per client address and port, which translates the
 * replies itself; its requests are not recorded.
 *
 * Not handled: requests from clients on the director itself (their replies
 * arrive at LOCAL_IN, where IPVS never calls conn_out), IPv4 requests that
 * IPVS itself reassembles (without conntrack defragmentation), real servers
 * configured without a port (IPVS finds real servers by their port).
 *
 * Per-real-server counters, latency EWMA and histogram, and global
 * counters: /proc/net/ip_vs_pe_reply, per network namespace.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "ip_vs_pe_reply.h"
#include "ip_vs_sip_rs.h"

static struct ip_vs_pe_reply_conf ip_vs_pe_reply_params = {
	.timeout_ms	= 5000,
	.max_requests	= 1048576,
	.strict		= true,
	.txid_match	= true,
};

module_param_named(reply_timeout_ms, ip_vs_pe_reply_params.timeout_ms, uint,
		   0644);
MODULE_PARM_DESC(reply_timeout_ms,
		 "Milliseconds a request waits for its reply; later replies pass unchanged (5000)");
module_param_named(max_requests, ip_vs_pe_reply_params.max_requests, uint,
		   0644);
MODULE_PARM_DESC(max_requests,
		 "Most requests recorded per network namespace; more are not tracked (1048576)");
module_param_named(strict, ip_vs_pe_reply_params.strict, bool, 0644);
MODULE_PARM_DESC(strict,
		 "Only replies to outstanding requests get the service address (Y); N: anything from a real server's service port, as upstream's sip engine");
module_param_named(txid_match, ip_vs_pe_reply_params.txid_match, bool, 0644);
MODULE_PARM_DESC(txid_match,
		 "Match DNS and RADIUS replies by transaction ID too (Y); N: addresses and ports only");

static unsigned int ip_vs_pe_reply_net_id __read_mostly;
static struct workqueue_struct *ip_vs_pe_reply_wq;
static struct ip_vs_pe ip_vs_pe_reply_pe;

/* A request on its way through IPVS on this CPU (LOCAL_IN -> LOCAL_OUT). */
struct ip_vs_pe_reply_stash {
	const struct sk_buff	*skb;	/* identity only, never dereferenced */
	union nf_inet_addr	saddr;	/* client */
	union nf_inet_addr	daddr;	/* service address (VIP) */
	__be16			sport;
	__be16			dport;
	u32			mark;
};

static DEFINE_PER_CPU(struct ip_vs_pe_reply_stash, ip_vs_pe_reply_stash);

struct ip_vs_pe_reply_net *ip_vs_pe_reply_pernet(struct net *net)
{
	return net_generic(net, ip_vs_pe_reply_net_id);
}

/* Could any service of this namespace and family want our conn_out? */
static bool ip_vs_pe_reply_active(struct net *net, int af)
{
	struct netns_ipvs *ipvs = net_ipvs(net);

	return ipvs && READ_ONCE(ipvs->enable) &&
	       ipvs_udp_conn_out_count(ipvs, af) &&
	       module_refcount(THIS_MODULE) > 0;
}

/* Address and ports of a UDP datagram that is not a fragment. */
static bool ip_vs_pe_reply_udp(int af, const struct sk_buff *skb,
			       struct ip_vs_iphdr *iph, __be16 *ports)
{
	__be16 _ports[2], *p;

	if (!ip_vs_fill_iph_skb(af, skb, false, iph))
		return false;
	if (iph->protocol != IPPROTO_UDP || iph->fragoffs)
		return false;
	if (af == AF_INET && ip_is_fragment(ip_hdr(skb)))
		return false;
	p = skb_header_pointer(skb, iph->len, sizeof(_ports), _ports);
	if (!p)
		return false;
	ports[0] = p[0];
	ports[1] = p[1];
	return true;
}

/* LOCAL_IN, before IPVS: remember where the client sent the datagram. */
static unsigned int ip_vs_pe_reply_in_hook(void *priv, struct sk_buff *skb,
					   const struct nf_hook_state *state)
{
	struct ip_vs_pe_reply_stash *st;
	struct ip_vs_iphdr iph;
	__be16 ports[2];

	if (skb->ipvs_property ||
	    !ip_vs_pe_reply_active(state->net, state->pf) ||
	    !ip_vs_pe_reply_udp(state->pf, skb, &iph, ports))
		return NF_ACCEPT;
	st = this_cpu_ptr(&ip_vs_pe_reply_stash);
	st->skb = skb;
	st->saddr = iph.saddr;
	st->daddr = iph.daddr;
	st->sport = ports[0];
	st->dport = ports[1];
	st->mark = skb->mark;
	return NF_ACCEPT;
}

/* ip_vs_rs_hashkey() of ip_vs_ctl.c, which is static. */
static unsigned int ip_vs_pe_reply_rs_hashkey(int af,
					      const union nf_inet_addr *addr,
					      __be16 port)
{
	unsigned int porth = ntohs(port);
	__be32 addr_fold = addr->ip;

#ifdef CONFIG_IP_VS_IPV6
	if (af == AF_INET6)
		addr_fold = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^
			    addr->ip6[3];
#endif
	return (ntohl(addr_fold) ^ (porth >> IP_VS_RTAB_BITS) ^ porth) &
	       IP_VS_RTAB_MASK;
}

/*
 * The service whose engine gets the datagrams @raddr:@rport sends, when
 * that engine is this one; else NULL.
 * For a datagram from a real server that matches no connection entry,
 * ip_vs_out() takes the first NAT destination with that UDP address and
 * port from the namespace's real-server table (ip_vs_find_real_service(),
 * which is not exported: the walk is the same) and calls the conn_out of
 * that destination's service's engine. Under rcu_read_lock().
 */
static struct ip_vs_service *
ip_vs_pe_reply_rs_ours(struct netns_ipvs *ipvs, int af,
		       const union nf_inet_addr *raddr, __be16 rport)
{
	unsigned int hash = ip_vs_pe_reply_rs_hashkey(af, raddr, rport);
	struct ip_vs_service *svc;
	struct ip_vs_dest *dest;

	hlist_for_each_entry_rcu(dest, &ipvs->rs_table[hash], d_list) {
		if (dest->port != rport || dest->af != af ||
		    !ip_vs_addr_equal(af, &dest->addr, raddr) ||
		    (dest->protocol != IPPROTO_UDP && !dest->vfwmark) ||
		    IP_VS_DFWD_METHOD(dest) != IP_VS_CONN_F_MASQ)
			continue;
		svc = rcu_dereference(dest->svc);
		if (svc && rcu_access_pointer(svc->pe) == &ip_vs_pe_reply_pe)
			return svc;
		return NULL;
	}
	return NULL;
}

/* The transaction ID of the request or reply in @skb, if @kind has one. */
static u8 ip_vs_pe_reply_skb_txid(const struct sk_buff *skb,
				  unsigned int off, u8 kind, u16 *txid)
{
	u8 buf[IP_VS_PE_REPLY_HDR_MAX];
	unsigned int need = ip_vs_pe_reply_hdr_len(kind);
	const u8 *p;

	*txid = 0;
	if (!need || skb->len < off + need)
		return IP_VS_PE_REPLY_K_ADDR;
	p = skb_header_pointer(skb, off, need, buf);
	if (!p || !ip_vs_pe_reply_txid(kind, p, need, txid))
		return IP_VS_PE_REPLY_K_ADDR;
	return kind;
}

/* LOCAL_OUT: a request IPVS has just translated for a real server. */
static unsigned int ip_vs_pe_reply_out_hook(void *priv, struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	struct ip_vs_pe_reply_stash *st, seen;
	struct ip_vs_pe_reply_reqinfo info;
	struct ip_vs_pe_reply_net *pn;
	struct ip_vs_pe_reply_eff eff;
	struct ip_vs_conn_param p;
	struct ip_vs_service *svc;
	struct ip_vs_conn *cp;
	int af = state->pf;
	struct ip_vs_iphdr iph;
	__be16 ports[2];
	u8 kind;

	if (!skb->ipvs_property)
		return NF_ACCEPT;
	/* Locally generated packets may get here preemptible. */
	st = get_cpu_ptr(&ip_vs_pe_reply_stash);
	if (st->skb != skb) {
		put_cpu_ptr(&ip_vs_pe_reply_stash);
		return NF_ACCEPT;
	}
	seen = *st;
	st->skb = NULL;
	put_cpu_ptr(&ip_vs_pe_reply_stash);

	if (!ip_vs_pe_reply_active(state->net, af) ||
	    !ip_vs_pe_reply_udp(af, skb, &iph, ports))
		return NF_ACCEPT;
	/* NAT keeps the client's address and port and changes the target. */
	if (ports[0] != seen.sport || !ip_vs_addr_equal(af, &iph.saddr,
							&seen.saddr))
		return NF_ACCEPT;
	if (ports[1] == seen.dport && ip_vs_addr_equal(af, &iph.daddr,
						       &seen.daddr))
		return NF_ACCEPT;
	/* Its replies go to another engine, or to none: not ours to wait for. */
	svc = ip_vs_pe_reply_rs_ours(net_ipvs(state->net), af, &iph.daddr,
				     ports[1]);
	if (!svc)
		return NF_ACCEPT;
	/*
	 * A service without -o hashed a connection entry for it: that entry
	 * translates the replies, which never reach conn_out. Not recorded
	 * (it would only ever time out).
	 */
	ip_vs_conn_fill_param(net_ipvs(state->net), af, IPPROTO_UDP,
			      &seen.saddr, seen.sport, &seen.daddr, seen.dport,
			      &p);
	cp = ip_vs_conn_in_get(&p);
	if (cp) {
		__ip_vs_conn_put(cp);
		return NF_ACCEPT;
	}

	memset(&info, 0, sizeof(info));
	info.key.af = af;
	if (af == AF_INET6) {
		info.key.caddr.in6 = iph.saddr.in6;
		info.key.raddr.in6 = iph.daddr.in6;
		info.vaddr.in6 = seen.daddr.in6;
	} else {
		info.key.caddr.ip = iph.saddr.ip;
		info.key.raddr.ip = iph.daddr.ip;
		info.vaddr.ip = seen.daddr.ip;
	}
	info.key.cport = ports[0];
	info.key.rport = ports[1];
	pn = ip_vs_pe_reply_pernet(state->net);
	ip_vs_pe_reply_eff(pn, svc, &eff);
	/* txid-match 0: addresses and ports only (one record per 4-tuple) */
	kind = eff.txid_match ? ip_vs_pe_reply_kind(seen.dport, ports[1]) :
				IP_VS_PE_REPLY_K_ADDR;
	info.key.kind = ip_vs_pe_reply_skb_txid(skb, iph.len +
						sizeof(struct udphdr), kind,
						&info.key.txid);
	info.vport = seen.dport;
	info.mark = seen.mark;
	info.timeout_ns = eff.timeout_ns;
	ip_vs_pe_reply_record(pn, &info, ktime_get_ns());
	return NF_ACCEPT;
}

static const struct nf_hook_ops ip_vs_pe_reply_ops[] = {
	{
		.hook		= ip_vs_pe_reply_in_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 3,
	},
	/* Last: a request that an OUTPUT rule drops is not recorded. */
	{
		.hook		= ip_vs_pe_reply_out_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_LAST - 1,
	},
#if IS_ENABLED(CONFIG_IP_VS_IPV6)
	{
		.hook		= ip_vs_pe_reply_in_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC - 3,
	},
	{
		.hook		= ip_vs_pe_reply_out_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_LAST - 1,
	},
#endif
};

/*
 * Services whose scheduler is "sip": SIP has requests in both directions.
 * A SIP server's BYE, re-INVITE or NOTIFY towards a caller, or a call it
 * starts, answers nothing the client sent, and a datagram that matches a
 * recorded 4-tuple may be a request of another call. So for every
 * datagram of such a service with a Call-ID the "sip" scheduler decides
 * (ip_vs_sip_rs.h): bound to this server, or not bound (then bound to it
 * now, so that the client's responses are scheduled back to it), leaves
 * from the service address; bound to another server passes unchanged.
 * Where no binding can be made (the table at its cap, flag-3) the
 * consistent hash stands in for the binding. Datagrams without a Call-ID
 * (keepalives), responses the scheduler cannot vouch for, and fwmark
 * services (no address of their own to give) are left to the request
 * records.
 *
 * Services whose scheduler is "radius" learn the State of each
 * Access-Challenge here (ip_vs_radius_sched.c); the request records
 * decide about the datagram.
 *
 * Neither scheduler is linked to: the service's scheduler leads to its
 * function (ip_vs_kaff_scheduler_of()).
 *
 * Return: 1 to translate to the service address, 0 to leave the datagram
 * unchanged, -1 when the request records decide.
 */
static int ip_vs_pe_reply_kaff(struct ip_vs_pe_reply_net *pn,
			       struct ip_vs_service *svc,
			       struct ip_vs_dest *dest, struct sk_buff *skb,
			       const struct ip_vs_iphdr *iph)
{
	const struct ip_vs_kaff_scheduler *sched = ip_vs_kaff_scheduler_of(svc);

	if (!sched)
		return -1;
	return ip_vs_pe_reply_rs_verdict(pn, sched->rs_request(svc, dest, skb,
								iph));
}

/*
 * IPVS found no connection entry for a datagram from a real server of a
 * service using this engine: translate it if it answers a request (or, for
 * sip services, if its Call-ID belongs to this server; radius services
 * learn a challenge's State on the way).
 */
static struct ip_vs_conn *
ip_vs_pe_reply_conn_out(struct ip_vs_service *svc, struct ip_vs_dest *dest,
			struct sk_buff *skb, const struct ip_vs_iphdr *iph,
			__be16 dport, __be16 cport)
{
	struct ip_vs_pe_reply_net *pn = ip_vs_pe_reply_pernet(svc->ipvs->net);
	unsigned int off = iph->len + sizeof(struct udphdr);
	u8 buf[IP_VS_PE_REPLY_HDR_MAX];
	struct ip_vs_pe_reply_req *req;
	struct ip_vs_pe_reply_eff eff;
	struct ip_vs_pe_reply_key key;
	struct ip_vs_conn_param p;
	union nf_inet_addr vaddr;
	const u8 *data = NULL;
	struct ip_vs_conn *cp;
	u64 now;
	size_t len = 0;
	__be16 vport;
	int vouched;

	if (iph->protocol != IPPROTO_UDP || iph->fragoffs)
		return NULL;
	ip_vs_pe_reply_eff(pn, svc, &eff);
	/* txid-match 0: no transaction ID read, the key is addresses only */
	if (eff.txid_match && skb->len > off) {
		len = min_t(size_t, skb->len - off, sizeof(buf));
		data = skb_header_pointer(skb, off, len, buf);
		if (!data)
			len = 0;
	}
	memset(&key, 0, sizeof(key));
	key.af = svc->af;
	if (svc->af == AF_INET6) {
		key.caddr.in6 = iph->daddr.in6;
		key.raddr.in6 = iph->saddr.in6;
	} else {
		key.caddr.ip = iph->daddr.ip;
		key.raddr.ip = iph->saddr.ip;
	}
	key.cport = cport;
	key.rport = dport;
	now = ktime_get_ns();
	ip_vs_pe_reply_lookup(pn, &key, data, len, now, &vaddr, &vport, &req);
	vouched = ip_vs_pe_reply_kaff(pn, svc, dest, skb, iph);
	if (!vouched) {
		/* Left unchanged, yet the server did answer its request. */
		if (req)
			ip_vs_pe_reply_commit(pn, req, now);
		return NULL;
	}
	if (vouched < 0 && !req) {
		/*
		 * Answers nothing outstanding. Strict (default): unchanged.
		 * strict 0: the service address, as upstream's sip engine
		 * gives it to anything from the service port; not for fwmark
		 * services (no address of their own).
		 */
		if (eff.strict || svc->fwmark)
			return NULL;
		this_cpu_inc(pn->stats->permissive);
	}
	if (!req) {
		vaddr = svc->addr;
		vport = svc->port;
	}

	/*
	 * A one-packet entry, used by this datagram only, from the address
	 * the client sent its request to: right for fwmark services (whose
	 * service has no address) and when the real server is in several
	 * services.
	 */
	ip_vs_conn_fill_param(svc->ipvs, svc->af, iph->protocol, &iph->daddr,
			      cport, &vaddr, vport, &p);
	cp = ip_vs_conn_new(&p, dest->af, &iph->saddr, dport,
			    IP_VS_CONN_F_ONE_PACKET, dest, svc->fwmark);
	if (!cp) {
		/*
		 * The namespace's conn_max (newer kernels) or memory: the
		 * datagram leaves unchanged, as IPVS leaves any datagram it
		 * has no entry for. The request stays pending, so that the
		 * server's retransmission is still translated and counted
		 * as its reply, or the request times out.
		 */
		this_cpu_inc(pn->stats->no_conn);
		return NULL;
	}
	if (req)
		ip_vs_pe_reply_commit(pn, req, now);
	return cp;
}

static struct ip_vs_pe ip_vs_pe_reply_pe = {
	.name =			"reply",
	.refcnt =		ATOMIC_INIT(0),
	.module =		THIS_MODULE,
	.n_list =		LIST_HEAD_INIT(ip_vs_pe_reply_pe.n_list),
	.conn_out =		ip_vs_pe_reply_conn_out,
};

/**
 * ip_vs_pe_reply_svc_net - the engine's state for a service using it
 * @svc: an IPVS service; under rcu_read_lock()
 *
 * Return: the state of the service's namespace, or NULL when the service
 * does not use the "reply" engine.
 */
struct ip_vs_pe_reply_net *
ip_vs_pe_reply_svc_net(const struct ip_vs_service *svc)
{
	if (rcu_access_pointer(svc->pe) != &ip_vs_pe_reply_pe)
		return NULL;
	return ip_vs_pe_reply_pernet(svc->ipvs->net);
}
EXPORT_SYMBOL_GPL(ip_vs_pe_reply_svc_net);

/**
 * ip_vs_pe_reply_outstanding - requests to a real server awaiting replies
 * @pn: from ip_vs_pe_reply_svc_net()
 * @dest: the real server; under rcu_read_lock()
 *
 * Return: how many requests forwarded to @dest are neither answered nor
 * timed out.
 */
unsigned int ip_vs_pe_reply_outstanding(struct ip_vs_pe_reply_net *pn,
					const struct ip_vs_dest *dest)
{
	struct ip_vs_pe_reply_dest *d;
	int n;

	d = ip_vs_pe_reply_dest_find(pn, dest->af, &dest->addr, dest->port);
	if (!d)
		return 0;
	n = atomic_read(&d->outstanding);
	return n > 0 ? n : 0;
}
EXPORT_SYMBOL_GPL(ip_vs_pe_reply_outstanding);

static void ip_vs_pe_reply_gc_work(struct work_struct *work)
{
	struct ip_vs_pe_reply_net *pn =
		container_of(to_delayed_work(work), struct ip_vs_pe_reply_net,
			     gc_work);

	ip_vs_pe_reply_gc(pn, ktime_get_ns());
	ip_vs_pe_reply_nl_check(pn);
	if (READ_ONCE(pn->dying))
		return;
	if (atomic_read(&pn->nreqs) || atomic_read(&pn->ndests)) {
		queue_delayed_work(ip_vs_pe_reply_wq, &pn->gc_work, HZ);
		return;
	}
	clear_bit(0, &pn->gc_armed);
	/*
	 * Pairs with the fully ordered atomic_inc_return() of nreqs in
	 * ip_vs_pe_reply_record(), which then tests the bit: either that
	 * request sees it clear and queues the work, or we see its record.
	 */
	smp_mb__after_atomic();
	if (atomic_read(&pn->nreqs) && !test_and_set_bit(0, &pn->gc_armed))
		queue_delayed_work(ip_vs_pe_reply_wq, &pn->gc_work, HZ);
}

static void ip_vs_pe_reply_show_addr(struct seq_file *seq, int af,
				     const union nf_inet_addr *addr,
				     __be16 port)
{
	if (af == AF_INET6)
		seq_printf(seq, " [%pI6c]:%u", &addr->in6, ntohs(port));
	else
		seq_printf(seq, " %pI4:%u", &addr->ip, ntohs(port));
}

static void ip_vs_pe_reply_show_dest(struct seq_file *seq,
				     const struct ip_vs_pe_reply_dest *d)
{
	struct ip_vs_pe_reply_dstats st;
	union nf_inet_addr vaddr = d->vaddr;
	unsigned int i;

	ip_vs_pe_reply_dstats_sum(d, &st);
	seq_puts(seq, "UDP");
	ip_vs_pe_reply_show_addr(seq, d->key.af, &d->key.addr, d->key.port);
	ip_vs_pe_reply_show_addr(seq, d->key.af, &vaddr, READ_ONCE(d->vport));
	seq_printf(seq, " %#x %llu %llu %llu %llu %llu %d %llu",
		   READ_ONCE(d->mark), st.requests, st.replies, st.timeouts,
		   st.duplicates, st.late, atomic_read(&d->outstanding),
		   div_u64(READ_ONCE(d->ewma_ns), NSEC_PER_USEC));
	for (i = 0; i < IP_VS_PE_REPLY_NBUCKETS; i++)
		seq_printf(seq, " %llu", st.hist[i]);
	seq_putc(seq, '\n');
}

static int ip_vs_pe_reply_proc_show(struct seq_file *seq, void *v)
{
	struct ip_vs_pe_reply_net *pn =
		ip_vs_pe_reply_pernet(seq_file_single_net(seq));
	struct ip_vs_pe_reply_stats st;
	struct ip_vs_pe_reply_dest *d;
	struct rhashtable_iter it;

	ip_vs_pe_reply_stats_sum(pn, &st);
	seq_puts(seq,
		 "Records Cap Requests Refused Replies Duplicates Late Unsolicited Timeouts TimeoutMs SipBound SipNew SipOther SipNoKey NoConn\n");
	seq_printf(seq,
		   "%d %u %llu %llu %llu %llu %llu %llu %llu %u %llu %llu %llu %llu %llu\n",
		   atomic_read(&pn->nreqs), READ_ONCE(pn->conf->max_requests),
		   st.requests, st.refused, st.replies, st.duplicates, st.late,
		   st.unsolicited, st.timeouts, READ_ONCE(pn->conf->timeout_ms),
		   st.sip_bound, st.sip_new, st.sip_other, st.sip_nokey,
		   st.no_conn);
	seq_puts(seq,
		 "Proto RealServer Service Mark Requests Replies Timeouts Duplicates Late Outstanding LatencyEwmaUs Lt1ms Lt10ms Lt100ms Lt1s Ge1s\n");
	rhashtable_walk_enter(&pn->dests, &it);
	rhashtable_walk_start(&it);
	while ((d = rhashtable_walk_next(&it))) {
		if (IS_ERR(d)) {
			if (PTR_ERR(d) == -EAGAIN)
				continue;
			break;
		}
		ip_vs_pe_reply_show_dest(seq, d);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	return 0;
}

static int __net_init ip_vs_pe_reply_net_init_ns(struct net *net)
{
	struct ip_vs_pe_reply_net *pn = ip_vs_pe_reply_pernet(net);
	int ret;

	pn->net = net;
	INIT_DELAYED_WORK(&pn->gc_work, ip_vs_pe_reply_gc_work);
	ret = ip_vs_pe_reply_net_init(pn, &ip_vs_pe_reply_params,
				      ip_vs_pe_reply_wq);
	if (ret)
		return ret;
	if (!proc_create_net_single("ip_vs_pe_reply", 0444, net->proc_net,
				    ip_vs_pe_reply_proc_show, NULL)) {
		ret = -ENOMEM;
		goto err_state;
	}
	ret = nf_register_net_hooks(net, ip_vs_pe_reply_ops,
				    ARRAY_SIZE(ip_vs_pe_reply_ops));
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	remove_proc_entry("ip_vs_pe_reply", net->proc_net);
err_state:
	ip_vs_pe_reply_net_destroy(pn);
	return ret;
}

static void __net_exit ip_vs_pe_reply_net_exit_ns(struct net *net)
{
	struct ip_vs_pe_reply_net *pn = ip_vs_pe_reply_pernet(net);

	/* No new records once the hooks are gone (it waits for readers). */
	nf_unregister_net_hooks(net, ip_vs_pe_reply_ops,
				ARRAY_SIZE(ip_vs_pe_reply_ops));
	remove_proc_entry("ip_vs_pe_reply", net->proc_net);
	WRITE_ONCE(pn->dying, true);
	cancel_delayed_work_sync(&pn->gc_work);
	/* conn_out and lor readers of this namespace, if any were left. */
	synchronize_rcu();
	ip_vs_pe_reply_net_destroy(pn);
	ip_vs_pe_reply_svcconf_free(pn);
}

static struct pernet_operations ip_vs_pe_reply_net_ops = {
	.init	= ip_vs_pe_reply_net_init_ns,
	.exit	= ip_vs_pe_reply_net_exit_ns,
	.id	= &ip_vs_pe_reply_net_id,
	.size	= sizeof(struct ip_vs_pe_reply_net),
};

static int __init ip_vs_pe_reply_init(void)
{
	int ret;

	ip_vs_pe_reply_wq = alloc_workqueue("ip_vs_pe_reply", WQ_UNBOUND, 0);
	if (!ip_vs_pe_reply_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&ip_vs_pe_reply_net_ops);
	if (ret)
		goto err_wq;
	ret = register_ip_vs_pe(&ip_vs_pe_reply_pe);
	if (ret)
		goto err_net;
	return 0;

err_net:
	unregister_pernet_subsys(&ip_vs_pe_reply_net_ops);
err_wq:
	destroy_workqueue(ip_vs_pe_reply_wq);
	return ret;
}

static void __exit ip_vs_pe_reply_cleanup(void)
{
	unregister_ip_vs_pe(&ip_vs_pe_reply_pe);
	synchronize_rcu();
	unregister_pernet_subsys(&ip_vs_pe_reply_net_ops);
	/* Pending frees of real-server accounting run module code. */
	rcu_barrier();
	destroy_workqueue(ip_vs_pe_reply_wq);
}

module_init(ip_vs_pe_reply_init);
module_exit(ip_vs_pe_reply_cleanup);
MODULE_DESCRIPTION("IPVS reply persistence engine: one-packet scheduling with replies translated back");
MODULE_LICENSE("GPL");
