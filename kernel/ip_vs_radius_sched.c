// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "radius" scheduler: every round of one EAP conversation, and every
 * accounting request of one session, reaches the same real server, while
 * each request is scheduled on its own.
 *
 *   ipvsadm -A -u VIP:1812 -s radius -o --pe reply
 *
 * An 802.1X login is 6 to 12 Access-Request/Access-Challenge rounds whose
 * TLS session lives in one server's memory, tied together by the State
 * attribute (RFC 2865 section 5.24) the server puts in each challenge. A
 * NAS sends the requests of all its users from one socket, so neither
 * per-connection scheduling (all users on one server) nor one-packet
 * scheduling alone (rounds spread over the servers) serves it. Here:
 *  - an Access-Request carrying a State the director has bound goes to the
 *    server bound to it. The binding is learned from the Access-Challenge
 *    that server sent, which the "reply" engine shows us
 *    (ip_vs_radius_rs_request()); it lives conversation_timeout seconds
 *    after the last round;
 *  - otherwise the conversation key decides (ip_vs_radius_key_of()):
 *    Calling-Station-Id plus the NAS identity, else User-Name plus the NAS
 *    identity, for Access-Requests; Acct-Session-Id plus the NAS identity
 *    for Accounting-Requests. A new key is placed by the keyed-affinity
 *    core's seeded Maglev hash (ip_vs_kaff.ko, shared with the "sip"
 *    scheduler) and bound there, so rounds, retransmissions (same bytes,
 *    same key) and directors without shared state agree, and DR directors,
 *    which never see a challenge, keep conversations together too;
 *  - what has no key (Status-Server, a request without those attributes,
 *    a datagram that is not RADIUS) is placed by a hash of the client's
 *    address and port, and counted by kind. Nothing is dropped for being
 *    unparseable, and the payload is never written.
 *
 * Scheduler flags (ipvsadm -b), as for sip:
 *   flag-1  quiesced servers (weight 0) lose their conversations now
 *           instead of draining them
 *   flag-2  datagrams without a key are placed by client address only
 *   flag-3  stateless: consistent hash of the conversation key only; no
 *           bindings, no State learned
 *
 * Counters per service: /proc/net/ip_vs_radius.
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

#include "ip_vs_icmp_vip.h"
#include "ip_vs_radius.h"
#include "ip_vs_sip_rs.h"

static unsigned int conversation_timeout = 30;
module_param(conversation_timeout, uint, 0644);
MODULE_PARM_DESC(conversation_timeout,
		 "Idle seconds before a login's bindings (its key, its State) expire (30)");

static unsigned int acct_timeout;
module_param(acct_timeout, uint, 0644);
MODULE_PARM_DESC(acct_timeout,
		 "Idle seconds an accounting session stays bound; 0: placed by hash only (0)");

static unsigned int max_bindings = 262144;
module_param(max_bindings, uint, 0644);
MODULE_PARM_DESC(max_bindings,
		 "Most bindings per service; more keys are placed by hash only (262144)");

static ulong hash_seed;
module_param(hash_seed, ulong, 0644);
MODULE_PARM_DESC(hash_seed,
		 "Consistent-hash seed; directors that must agree need the same one (0)");

/*
 * Per-CPU scratch, used with bottom halves disabled: the datagram when it
 * is not linear, and the binding keys made from it.
 */
struct ip_vs_radius_scratch {
	u8			pkt[IP_VS_RADIUS_MAX_LEN];
	struct ip_vs_radius_key	key;
	u8			state[IP_VS_RADIUS_STATE_KEY_MAX];
};

static DEFINE_PER_CPU(struct ip_vs_radius_scratch, ip_vs_radius_scratch);

/**
 * ip_vs_radius_svc_create - scheduler state for a service
 * @svc: the IPVS service, or NULL (KUnit)
 * @dests: its destination list
 *
 * The settings are the module parameters' at this moment.
 *
 * Return: the state or an ERR_PTR.
 */
struct ip_vs_kaff_svc *ip_vs_radius_svc_create(struct ip_vs_service *svc,
					       struct list_head *dests)
{
	unsigned int conv = READ_ONCE(conversation_timeout);
	struct ip_vs_kaff_conf c = {
		.timeout = {
			[IP_VS_RADIUS_S_CONV]	= conv,
			[IP_VS_RADIUS_S_STATE]	= conv,
			[IP_VS_RADIUS_S_ACCT]	= READ_ONCE(acct_timeout),
		},
		.max_bindings	= READ_ONCE(max_bindings),
		.seed		= READ_ONCE(hash_seed),
	};

	BUILD_BUG_ON(IP_VS_RADIUS_S_NSTATES > IP_VS_KAFF_NSTATES);
	BUILD_BUG_ON(IP_VS_RADIUS_C_NCOUNTERS > IP_VS_KAFF_NCLS);
	BUILD_BUG_ON(IP_VS_RADIUS_STATE_KEY_MAX > IP_VS_KAFF_KEY_MAX);
	return ip_vs_kaff_svc_create(svc, dests, &c);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_svc_create);

static unsigned long ip_vs_radius_timeout(const struct ip_vs_kaff_svc *s,
					  u8 state)
{
	return ip_vs_kaff_timeout(&s->conf, state);
}

/* Another round of a bound conversation: it lives on. */
static void ip_vs_radius_touch(struct ip_vs_kaff_svc *s,
			       struct ip_vs_kaff_binding *b, unsigned long now)
{
	ip_vs_kaff_extend(b, now + ip_vs_radius_timeout(s, READ_ONCE(b->state)));
	ip_vs_kaff_used(b, now);
}

/* The binding key of @m's State, in this CPU's scratch. */
static u32 ip_vs_radius_state_key(const struct ip_vs_radius_msg *m, u8 *key)
{
	key[0] = IP_VS_RADIUS_K_STATE;
	memcpy(key + 1, m->state.p, m->state.len);
	return 1 + m->state.len;
}

/**
 * ip_vs_radius_place - the server for a parsed datagram, by its attributes
 * @s: service state
 * @t: current placement table (RCU)
 * @flags: the service's flags
 * @status: ip_vs_radius_parse()'s return
 * @m: the parsed datagram
 * @now: jiffies
 * @dest: set to the server, or NULL when none is usable
 *
 * Under rcu_read_lock() with bottom halves disabled (this CPU's scratch
 * holds the keys); never sleeps; bounded work. Counts what it decides.
 *
 * Return: true when the datagram was placed by its attributes, false when
 * it has none to place it by (the caller places it by client address).
 */
bool ip_vs_radius_place(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t, unsigned int flags,
			int status, const struct ip_vs_radius_msg *m,
			unsigned long now, struct ip_vs_dest **dest)
{
	static const u8 fallback[IP_VS_RADIUS_NSTATUS] = {
		[IP_VS_RADIUS_E_SHORT]		= IP_VS_RADIUS_C_SHORT,
		[IP_VS_RADIUS_E_LENGTH]		= IP_VS_RADIUS_C_LENGTH,
		[IP_VS_RADIUS_E_ATTR]		= IP_VS_RADIUS_C_ATTR,
		[IP_VS_RADIUS_E_TOOMANY]	= IP_VS_RADIUS_C_TOOMANY,
	};
	struct ip_vs_radius_scratch *sc = this_cpu_ptr(&ip_vs_radius_scratch);
	bool stateless = flags & IP_VS_SVC_F_RADIUS_STATELESS;
	bool mq = ip_vs_kaff_move_quiesced(s, flags);
	struct ip_vs_radius_key *key = &sc->key;
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_req r;
	bool made;
	u64 hash;

	*dest = NULL;
	if (status != IP_VS_RADIUS_OK && status != IP_VS_RADIUS_E_DUPSTATE) {
		this_cpu_inc(s->stats->cls[fallback[status]]);
		return false;
	}
	if (status == IP_VS_RADIUS_E_DUPSTATE)
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_DUPSTATE]);
	if (m->code == IP_VS_RADIUS_STATUS_SERVER) {
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_STATUS]);
		return false;
	}
	if (m->code != IP_VS_RADIUS_ACCESS_REQUEST &&
	    m->code != IP_VS_RADIUS_ACCT_REQUEST) {
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_NOTREQ]);
		return false;
	}

	/* A later round: the server that issued the State, while usable. */
	if (m->code == IP_VS_RADIUS_ACCESS_REQUEST && m->state.len &&
	    !stateless) {
		*dest = ip_vs_kaff_follow(s, t, sc->state,
					  ip_vs_radius_state_key(m, sc->state),
					  mq, now, &b);
		if (*dest) {
			ip_vs_radius_touch(s, b, now);
			this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_STATE_HIT]);
			return true;
		}
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_STATE_MISS]);
	}

	if (ip_vs_radius_key_of(m, key) == IP_VS_RADIUS_K_ADDR) {
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_NOKEY]);
		return false;
	}
	hash = ip_vs_kaff_hash_key(t, key->buf, key->len);
	if (key->len > IP_VS_KAFF_KEY_MAX) {
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_OVERSIZED]);
		*dest = ip_vs_kaff_table_pick(t, hash);
		return true;
	}
	r.key = key->buf;
	r.len = key->len;
	r.hash = hash;
	r.state = key->kind == IP_VS_RADIUS_K_ACCT ? IP_VS_RADIUS_S_ACCT :
						     IP_VS_RADIUS_S_CONV;
	r.timeout = ip_vs_radius_timeout(s, r.state);
	if (stateless || !r.timeout) {
		*dest = ip_vs_kaff_table_pick(t, hash);
		return true;
	}
	*dest = ip_vs_kaff_bind(s, t, &r, mq, now, &b, &made);
	if (b)
		ip_vs_radius_touch(s, b, now);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_place);

/**
 * ip_vs_radius_learn - bind the State of a server's Access-Challenge
 * @s: service state
 * @t: current placement table (RCU)
 * @flags: the service's flags
 * @m: the parsed datagram the server @dest sent
 * @dest: that server
 * @now: jiffies
 *
 * A State is the server's to hand out: unbound (or bound to a server that
 * left the service), it is bound to @dest; bound to @dest, the binding
 * lives on; bound to another server, it stays there until it expires (a
 * server cannot take another's conversation). Under rcu_read_lock() with
 * bottom halves disabled; never sleeps; bounded work.
 *
 * Return: true when @m is a challenge whose State is now bound to @dest.
 */
bool ip_vs_radius_learn(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t, unsigned int flags,
			const struct ip_vs_radius_msg *m,
			struct ip_vs_dest *dest, unsigned long now)
{
	struct ip_vs_radius_scratch *sc = this_cpu_ptr(&ip_vs_radius_scratch);
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_req r;
	int v;

	if (m->code != IP_VS_RADIUS_ACCESS_CHALLENGE || !m->state.len ||
	    (flags & IP_VS_SVC_F_RADIUS_STATELESS))
		return false;
	r.key = sc->state;
	r.len = ip_vs_radius_state_key(m, sc->state);
	r.hash = 0;	/* unused: the binding hash is the key's own */
	r.state = IP_VS_RADIUS_S_STATE;
	r.timeout = ip_vs_radius_timeout(s, r.state);
	v = ip_vs_kaff_bind_rs(s, t, &r, dest, now, &b);
	if (b)
		ip_vs_radius_touch(s, b, now);
	else if (v == IP_VS_KAFF_RS_NEW)
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_LEARNED]);
	return v == IP_VS_KAFF_RS_BOUND || v == IP_VS_KAFF_RS_NEW;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_learn);

/*
 * The UDP payload of @skb, in place when linear, else copied into this
 * CPU's scratch; at most IP_VS_RADIUS_MAX_LEN bytes (the rest can only be
 * padding). Bottom halves disabled. Return: NULL when there is none.
 */
static const u8 *ip_vs_radius_payload(const struct sk_buff *skb,
				      const struct ip_vs_iphdr *iph,
				      size_t *len)
{
	unsigned int off = iph->len + sizeof(struct udphdr);

	if (skb->len <= off)
		return NULL;
	*len = min_t(size_t, skb->len - off, IP_VS_RADIUS_MAX_LEN);
	return skb_header_pointer(skb, off, *len,
				  this_cpu_ptr(&ip_vs_radius_scratch)->pkt);
}

static struct ip_vs_dest *ip_vs_radius_schedule(struct ip_vs_service *svc,
						const struct sk_buff *skb,
						struct ip_vs_iphdr *iph)
{
	struct ip_vs_kaff_svc *s = svc->sched_data;
	unsigned int flags = READ_ONCE(svc->flags);
	const struct ip_vs_kaff_table *t;
	struct ip_vs_radius_msg msg;
	struct ip_vs_dest *dest;
	const u8 *data;
	size_t len = 0;
	int status;

	local_bh_disable();
	t = rcu_dereference(s->table);
	this_cpu_inc(s->stats->messages);

	if (iph->protocol == IPPROTO_UDP && !iph->fragoffs &&
	    !ip_vs_iph_icmp(iph)) {
		data = ip_vs_radius_payload(skb, iph, &len);
		status = ip_vs_radius_parse(data, data ? len : 0, &msg);
		if (ip_vs_radius_place(s, t, flags, status, &msg, jiffies,
				       &dest))
			goto out;
	} else {
		this_cpu_inc(s->stats->cls[IP_VS_RADIUS_C_UNPARSED]);
	}

	/* No key: the client's address (and port) decide. */
	dest = ip_vs_kaff_pick_client(svc, t, skb, iph,
				      flags & IP_VS_SVC_F_RADIUS_ADDR_ONLY);
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

static struct ip_vs_kaff_scheduler ip_vs_radius_scheduler;

/*
 * For the "reply" persistence engine (ip_vs_sip_rs.h), which calls this
 * through the service's scheduler for every datagram a real server of a
 * radius service sends that IPVS has no connection entry for: learn the
 * State of an Access-Challenge. The request records decide the rest.
 */
static int ip_vs_radius_rs_request(struct ip_vs_service *svc,
				   struct ip_vs_dest *dest,
				   const struct sk_buff *skb,
				   const struct ip_vs_iphdr *iph)
{
	struct ip_vs_radius_msg msg;
	struct ip_vs_kaff_svc *s;
	const u8 *data;
	size_t len;

	/* svc->sched_data is ours (and alive) while we are its scheduler. */
	if (rcu_access_pointer(svc->scheduler) !=
	    &ip_vs_radius_scheduler.sched ||
	    iph->protocol != IPPROTO_UDP || iph->fragoffs)
		return IP_VS_SIP_RS_RECORDS;
	/* Pairs as in ip_vs_sip_rs_request() (ip_vs_sip_sched.c). */
	smp_rmb();
	s = svc->sched_data;
	local_bh_disable();
	data = ip_vs_radius_payload(skb, iph, &len);
	if (data && ip_vs_radius_parse(data, len, &msg) == IP_VS_RADIUS_OK)
		ip_vs_radius_learn(s, rcu_dereference(s->table),
				   READ_ONCE(svc->flags), &msg, dest, jiffies);
	local_bh_enable();
	return IP_VS_SIP_RS_RECORDS;
}

static int ip_vs_radius_init_svc(struct ip_vs_service *svc)
{
	return ip_vs_kaff_init_svc(&ip_vs_radius_class, svc);
}

static void ip_vs_radius_done_svc(struct ip_vs_service *svc)
{
	ip_vs_kaff_done_svc(svc);
}

static struct ip_vs_kaff_scheduler ip_vs_radius_scheduler = {
	.sched = {
		.name =		"radius",
		.refcnt =	ATOMIC_INIT(0),
		.module =	THIS_MODULE,
		.n_list =	LIST_HEAD_INIT(ip_vs_radius_scheduler.sched.n_list),
		.init_service =	ip_vs_radius_init_svc,
		.done_service =	ip_vs_radius_done_svc,
		.add_dest =	ip_vs_kaff_dest_changed,
		.del_dest =	ip_vs_kaff_del_dest,
		.upd_dest =	ip_vs_kaff_upd_dest,
		.schedule =	ip_vs_radius_schedule,
	},
	.rs_request =	ip_vs_radius_rs_request,
};

static void ip_vs_radius_show_svc(struct seq_file *seq,
				  const struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_stats st;
	char name[64];
	int i;

	ip_vs_kaff_svc_name(s->svc, name, sizeof(name));
	ip_vs_kaff_stats_sum(s, &st);
	seq_printf(seq, "%-46s %u %u %llu %llu %llu %llu %llu %llu %llu", name,
		   atomic_read(&s->nbindings), READ_ONCE(s->conf.max_bindings),
		   st.messages, st.hits, st.created, st.expired, st.moved,
		   st.refused, st.nodest);
	for (i = 0; i < IP_VS_RADIUS_C_NCOUNTERS; i++)
		seq_printf(seq, " %llu", st.cls[i]);
	seq_printf(seq, " %llu\n", READ_ONCE(s->conf.seed));
}

/* The counters in enum ip_vs_radius_counter's order */
struct ip_vs_kaff_class ip_vs_radius_class = {
	.sched		= &ip_vs_radius_scheduler.sched,
	.name		= "ip_vs_radius",
	.header		=
		"Service                                        Bindings Cap Messages Hits Created Expired Moved Refused NoDest Unparsed Short Length Attr TooMany NotReq Status NoKey DupState Oversized StateHits StateMisses Learned Seed\n",
	.create		= ip_vs_radius_svc_create,
	.show		= ip_vs_radius_show_svc,
	.nl		= &ip_vs_radius_nl_desc,
};

static int __net_init ip_vs_radius_net_init(struct net *net)
{
	return ip_vs_kaff_proc_create(net, &ip_vs_radius_class);
}

static void __net_exit ip_vs_radius_net_exit(struct net *net)
{
	remove_proc_entry(ip_vs_radius_class.name, net->proc_net);
}

static struct pernet_operations ip_vs_radius_net_ops = {
	.init = ip_vs_radius_net_init,
	.exit = ip_vs_radius_net_exit,
};

static int __init ip_vs_radius_init(void)
{
	return ip_vs_kaff_register(&ip_vs_radius_class, &ip_vs_radius_net_ops);
}

static void __exit ip_vs_radius_cleanup(void)
{
	ip_vs_kaff_unregister(&ip_vs_radius_class, &ip_vs_radius_net_ops);
}

module_init(ip_vs_radius_init);
module_exit(ip_vs_radius_cleanup);
MODULE_DESCRIPTION("IPVS radius scheduler: EAP conversation and accounting session affinity");
MODULE_LICENSE("GPL");
