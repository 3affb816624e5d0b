// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "reply" persistence engine: its operations of the ipvs_udp generic
 * netlink family (docs/netlink.md): settings, per-real-server accounting,
 * counters, and the reply-timeouts event.
 *
 * Settings are per network namespace: the module parameters apply until
 * a reply-set in the namespace gives it its own copy (pn->own_conf), which
 * pn->conf then points to. A service can have its own reply timeout,
 * strictness and transaction matching (reply-set with a service): IPVS
 * tells an engine nothing about its services, so the engine keeps these in
 * a small per-namespace table keyed as IPVS keys services (pn->svcconf,
 * at most IP_VS_PE_REPLY_MAX_SVCCONF entries, RCU readers on the packet
 * path). An entry outlives its service until reset (reply-set reset), and
 * goes with the namespace or the module.
 *
 * Events: every GC pass (about once a second, process context) compares
 * each real server's timeouts with the count at its last event; when they
 * grew by the namespace's timeout threshold or more, one event goes to the
 * "events" group. Only while someone listens and a threshold is set.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/stringify.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "ip_vs_pe_reply.h"
#include "ip_vs_udp_nl.h"

/* Serializes reply-set (the copy of the module parameters, svcconf). */
static DEFINE_MUTEX(ip_vs_pe_reply_nl_mutex);

/* Many services often share a port (DNS on many VIPs): hash the address. */
static u32 ip_vs_pe_reply_svcconf_hash(const struct ip_vs_udp_nl_svc_key *k)
{
	u32 h = jhash2((const u32 *)&k->addr, sizeof(k->addr) / sizeof(u32),
		       k->fwmark ^ ((u32)ntohs(k->port) << 16) ^ k->af ^
		       ((u32)k->protocol << 8));

	return hash_32(h, IP_VS_PE_REPLY_SVCCONF_BITS);
}

/* The entry of service @k, or NULL. Under RCU or the mutex. */
static struct ip_vs_pe_reply_svcconf *
ip_vs_pe_reply_svcconf_find(struct ip_vs_pe_reply_net *pn,
			    const struct ip_vs_udp_nl_svc_key *k)
{
	struct ip_vs_pe_reply_svcconf *e;

	hlist_for_each_entry_rcu(e, &pn->svcconf[ip_vs_pe_reply_svcconf_hash(k)],
				 node, lockdep_is_held(&ip_vs_pe_reply_nl_mutex))
		if (!ip_vs_udp_nl_svc_key_cmp(&e->key, k))
			return e;
	return NULL;
}

/* The settings in effect for @e (NULL: none of its own) in @pn. */
static void ip_vs_pe_reply_svcconf_eff(const struct ip_vs_pe_reply_net *pn,
				       const struct ip_vs_pe_reply_svcconf *e,
				       struct ip_vs_pe_reply_eff *eff)
{
	const struct ip_vs_pe_reply_conf *c = READ_ONCE(pn->conf);
	unsigned int ms = e ? READ_ONCE(e->timeout_ms) : 0;
	s8 v;

	eff->timeout_ns = (u64)ms * NSEC_PER_MSEC;
	v = e ? READ_ONCE(e->strict) : -1;
	eff->strict = v < 0 ? READ_ONCE(c->strict) : v;
	v = e ? READ_ONCE(e->txid_match) : -1;
	eff->txid_match = v < 0 ? READ_ONCE(c->txid_match) : v;
}

/**
 * ip_vs_pe_reply_eff - the settings in effect for a service
 * @pn: its namespace's state
 * @svc: the service; under rcu_read_lock()
 * @eff: filled in (timeout_ns 0: the namespace's)
 *
 * Packet path: a few loads when no service has settings of its own, else
 * one hash bucket of a table of at most IP_VS_PE_REPLY_MAX_SVCCONF.
 */
void ip_vs_pe_reply_eff(struct ip_vs_pe_reply_net *pn,
			const struct ip_vs_service *svc,
			struct ip_vs_pe_reply_eff *eff)
{
	struct ip_vs_pe_reply_svcconf *e = NULL;
	struct ip_vs_udp_nl_svc_key k;

	if (READ_ONCE(pn->nsvcconf)) {
		ip_vs_udp_nl_svc_key_of(svc, &k);
		e = ip_vs_pe_reply_svcconf_find(pn, &k);
	}
	ip_vs_pe_reply_svcconf_eff(pn, e, eff);
}

/* Namespace exit (no reader left) or module unload: drop every entry. */
void ip_vs_pe_reply_svcconf_free(struct ip_vs_pe_reply_net *pn)
{
	struct ip_vs_pe_reply_svcconf *e;
	struct hlist_node *tmp;
	unsigned int i;

	mutex_lock(&ip_vs_pe_reply_nl_mutex);
	for (i = 0; i < ARRAY_SIZE(pn->svcconf); i++)
		hlist_for_each_entry_safe(e, tmp, &pn->svcconf[i], node) {
			hlist_del_rcu(&e->node);
			kfree_rcu(e, rcu);
		}
	WRITE_ONCE(pn->nsvcconf, 0);
	mutex_unlock(&ip_vs_pe_reply_nl_mutex);
}

/*
 * The namespace's settings, or with @svc those in effect for that service
 * (@e its own entry or NULL). Under the mutex.
 */
static int ip_vs_pe_reply_nl_put_settings(struct sk_buff *skb,
					  const struct ip_vs_pe_reply_net *pn,
					  const struct ip_vs_udp_nl_svc_key *svc,
					  const struct ip_vs_pe_reply_svcconf *e)
{
	const struct ip_vs_pe_reply_conf *c = READ_ONCE(pn->conf);
	struct nlattr *nest;
	struct ip_vs_pe_reply_eff eff;
	unsigned int ms = READ_ONCE(c->timeout_ms);

	ip_vs_pe_reply_svcconf_eff(pn, e, &eff);
	if (eff.timeout_ns)
		ms = div_u64(eff.timeout_ns, NSEC_PER_MSEC);
	if (svc && ip_vs_udp_nl_put_service(skb, IPVS_UDP_A_REPLY_SERVICE, svc))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, IPVS_UDP_A_REPLY_SETTINGS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS, ms) ||
	    nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_STRICT, eff.strict) ||
	    nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH,
			eff.txid_match) ||
	    (!svc &&
	     (nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS,
			  READ_ONCE(c->max_requests)) ||
	      nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD,
			  READ_ONCE(pn->timeout_threshold)))) ||
	    (svc && nla_put_u32(skb, IPVS_UDP_A_REPLY_SETTINGS_OWN, !!e))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The service attribute of a request, if any: 1 parsed, 0 none, or -errno */
static int ip_vs_pe_reply_nl_svc(struct genl_info *info,
				 struct ip_vs_udp_nl_svc_key *k)
{
	int ret;

	if (!info->attrs[IPVS_UDP_A_REPLY_SERVICE])
		return 0;
	ret = ip_vs_udp_nl_parse_service(info->attrs[IPVS_UDP_A_REPLY_SERVICE],
					 k, info->extack);
	return ret ?: 1;
}

static int ip_vs_pe_reply_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ip_vs_pe_reply_net *pn =
		ip_vs_pe_reply_pernet(genl_info_net(info));
	struct ip_vs_udp_nl_svc_key k;
	struct sk_buff *msg;
	void *hdr;
	int by_svc, ret;

	by_svc = ip_vs_pe_reply_nl_svc(info, &k);
	if (by_svc < 0)
		return by_svc;
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_REPLY_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&ip_vs_pe_reply_nl_mutex);
	ret = ip_vs_pe_reply_nl_put_settings(msg, pn, by_svc ? &k : NULL,
					     by_svc ?
					     ip_vs_pe_reply_svcconf_find(pn, &k) :
					     NULL);
	mutex_unlock(&ip_vs_pe_reply_nl_mutex);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* reply-set reset with a service: it follows the namespace again. */
static int ip_vs_pe_reply_nl_reset(struct ip_vs_pe_reply_net *pn,
				   const struct ip_vs_udp_nl_svc_key *k,
				   struct genl_info *info)
{
	struct ip_vs_pe_reply_svcconf *e;

	mutex_lock(&ip_vs_pe_reply_nl_mutex);
	e = ip_vs_pe_reply_svcconf_find(pn, k);
	if (e) {
		hlist_del_rcu(&e->node);
		WRITE_ONCE(pn->nsvcconf, pn->nsvcconf - 1);
		kfree_rcu(e, rcu);
	}
	mutex_unlock(&ip_vs_pe_reply_nl_mutex);
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IPVS_UDP_A_REPLY_SERVICE],
				    "the service has no reply settings of its own");
		return -ENOENT;
	}
	return 0;
}

/* reply-set with a service: its own timeout-ms, strict, txid-match. */
static int ip_vs_pe_reply_nl_set_svc(struct ip_vs_pe_reply_net *pn,
				     const struct ip_vs_udp_nl_svc_key *k,
				     struct nlattr **tb, struct genl_info *info)
{
	struct ip_vs_pe_reply_svcconf *e;

	if (tb[IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS] ||
	    tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS] ?:
				    tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD],
				    "max-requests and timeout-threshold are per namespace, not per service");
		return -EINVAL;
	}
	mutex_lock(&ip_vs_pe_reply_nl_mutex);
	e = ip_vs_pe_reply_svcconf_find(pn, k);
	if (!e) {
		if (pn->nsvcconf >= IP_VS_PE_REPLY_MAX_SVCCONF) {
			mutex_unlock(&ip_vs_pe_reply_nl_mutex);
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[IPVS_UDP_A_REPLY_SERVICE],
					    "at most " __stringify(IP_VS_PE_REPLY_MAX_SVCCONF)
					    " services have reply settings of their own; reset one first");
			return -ENOSPC;
		}
		e = kzalloc(sizeof(*e), GFP_KERNEL);
		if (!e) {
			mutex_unlock(&ip_vs_pe_reply_nl_mutex);
			return -ENOMEM;
		}
		e->key = *k;
		e->strict = -1;
		e->txid_match = -1;
		hlist_add_head_rcu(&e->node,
				   &pn->svcconf[ip_vs_pe_reply_svcconf_hash(k)]);
		WRITE_ONCE(pn->nsvcconf, pn->nsvcconf + 1);
	}
	/* Read by the packet path with READ_ONCE(), no lock. */
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS])
		WRITE_ONCE(e->timeout_ms,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_STRICT])
		WRITE_ONCE(e->strict,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_STRICT]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH])
		WRITE_ONCE(e->txid_match,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH]));
	mutex_unlock(&ip_vs_pe_reply_nl_mutex);
	return 0;
}

static int ip_vs_pe_reply_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ip_vs_pe_reply_net *pn =
		ip_vs_pe_reply_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_UDP_A_REPLY_SETTINGS_MAX + 1];
	struct ip_vs_udp_nl_svc_key k;
	int ret, by_svc;

	by_svc = ip_vs_pe_reply_nl_svc(info, &k);
	if (by_svc < 0)
		return by_svc;
	if (info->attrs[IPVS_UDP_A_REPLY_RESET]) {
		if (!by_svc) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[IPVS_UDP_A_REPLY_RESET],
					    "reset drops a service's settings: give the service");
			return -EINVAL;
		}
		return ip_vs_pe_reply_nl_reset(pn, &k, info);
	}
	if (IP_VS_UDP_NL_REQUIRE(info, IPVS_UDP_A_REPLY_SETTINGS,
				 "settings attribute missing"))
		return -EINVAL;
	ret = nla_parse_nested(tb, IPVS_UDP_A_REPLY_SETTINGS_MAX,
			       info->attrs[IPVS_UDP_A_REPLY_SETTINGS],
			       NULL, info->extack);
	if (ret)
		return ret;
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_OWN]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[IPVS_UDP_A_REPLY_SETTINGS_OWN],
				    "own is read only");
		return -EOPNOTSUPP;
	}
	if (by_svc)
		return ip_vs_pe_reply_nl_set_svc(pn, &k, tb, info);
	mutex_lock(&ip_vs_pe_reply_nl_mutex);
	if (pn->conf != &pn->own_conf) {
		/* First change in this netns: start from the parameters. */
		pn->own_conf = *pn->conf;
		WRITE_ONCE(pn->conf, &pn->own_conf);
	}
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_STRICT])
		WRITE_ONCE(pn->own_conf.strict,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_STRICT]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH])
		WRITE_ONCE(pn->own_conf.txid_match,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS])
		WRITE_ONCE(pn->own_conf.timeout_ms,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS])
		WRITE_ONCE(pn->own_conf.max_requests,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS]));
	if (tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD])
		WRITE_ONCE(pn->timeout_threshold,
			   nla_get_u32(tb[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD]));
	mutex_unlock(&ip_vs_pe_reply_nl_mutex);
	return 0;
}

/* One real server's accounting as a reply-dest nest. Under RCU. */
static int ip_vs_pe_reply_nl_put_dest(struct sk_buff *skb,
				      const struct ip_vs_pe_reply_dest *d)
{
	struct nlattr *nest = nla_nest_start(skb, IPVS_UDP_A_REPLY_DEST);
	struct ip_vs_pe_reply_dstats st;
	int i;

	if (!nest)
		return -EMSGSIZE;
	ip_vs_pe_reply_dstats_sum(d, &st);
	if (ip_vs_udp_nl_put_dest(skb, IPVS_UDP_A_REPLY_DEST_DEST, d->key.af,
				  &d->key.addr, d->key.port) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_REQUESTS, st.requests,
			      IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_REPLIES, st.replies,
			      IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_TIMEOUTS, st.timeouts,
			      IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_DUPLICATES,
			      st.duplicates, IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_LATE, st.late,
			      IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u32(skb, IPVS_UDP_A_REPLY_DEST_OUTSTANDING,
			atomic_read(&d->outstanding)) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_EWMA_NS,
			      READ_ONCE(d->ewma_ns), IPVS_UDP_A_REPLY_DEST_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS,
			      st.lat_sum_ns, IPVS_UDP_A_REPLY_DEST_PAD))
		goto err;
	BUILD_BUG_ON(IP_VS_PE_REPLY_NBUCKETS != IPVS_UDP_HIST_BUCKETS);
	for (i = 0; i < IP_VS_PE_REPLY_NBUCKETS; i++)
		if (nla_put_u64_64bit(skb, IPVS_UDP_A_REPLY_DEST_HIST,
				      st.hist[i], IPVS_UDP_A_REPLY_DEST_PAD))
			goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ip_vs_pe_reply_nl_dest_get(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct ip_vs_pe_reply_net *pn =
		ip_vs_pe_reply_pernet(genl_info_net(info));
	struct nlattr *tb[IPVS_UDP_A_REPLY_DEST_MAX + 1];
	struct ip_vs_udp_nl_dest_key k;
	struct ip_vs_pe_reply_dest *d;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, IPVS_UDP_A_REPLY_DEST,
				 "dest attribute missing"))
		return -EINVAL;
	ret = nla_parse_nested(tb, IPVS_UDP_A_REPLY_DEST_MAX,
			       info->attrs[IPVS_UDP_A_REPLY_DEST],
			       NULL, info->extack);
	if (ret)
		return ret;
	if (!tb[IPVS_UDP_A_REPLY_DEST_DEST]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPVS_UDP_A_REPLY_DEST],
				    "dest.dest (the real server) needed");
		return -EINVAL;
	}
	ret = ip_vs_udp_nl_parse_dest(tb[IPVS_UDP_A_REPLY_DEST_DEST], &k,
				      info->extack);
	if (ret)
		return ret;
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_REPLY_DEST_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	d = ip_vs_pe_reply_dest_find(pn, k.af, &k.addr, k.port);
	ret = d ? ip_vs_pe_reply_nl_put_dest(msg, d) : -ENOENT;
	rcu_read_unlock();
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[IPVS_UDP_A_REPLY_DEST_DEST],
					    "no accounting for this real server");
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Dump every real server's accounting. cb->ctx[0..3]: how many entries
 * were walked; a table resize restarts the walk and flags the dump
 * NLM_F_DUMP_INTR (see ip_vs_kaff_nl.c).
 */
static int ip_vs_pe_reply_nl_dest_dump(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	struct ip_vs_pe_reply_net *pn =
		ip_vs_pe_reply_pernet(sock_net(skb->sk));
	u32 *walked = (u32 *)cb->ctx;
	struct ip_vs_pe_reply_dest *d;
	struct rhashtable_iter it;
	u32 n = 0, skip = *walked;
	void *hdr;
	int ret = 0;

	if (!skip && !cb->seq)
		cb->seq = 1;
	rhashtable_walk_enter(&pn->dests, &it);
	rhashtable_walk_start(&it);
	while ((d = rhashtable_walk_next(&it))) {
		if (IS_ERR(d)) {
			if (PTR_ERR(d) != -EAGAIN)
				break;
			cb->seq++;
			n = 0;
			skip = *walked;
			continue;
		}
		if (n++ < skip)
			continue;
		hdr = ip_vs_udp_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq,
					   cb->nlh->nlmsg_type, NLM_F_MULTI,
					   IPVS_UDP_CMD_REPLY_DEST_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (ip_vs_pe_reply_nl_put_dest(skb, d)) {
			genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		*walked = n;
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	if (ret == -EMSGSIZE && !skb->len)
		return ret;
	return skb->len;
}

static int ip_vs_pe_reply_nl_counters(struct sk_buff *msg, struct net *net,
				      const struct ip_vs_udp_nl_svc_key *filter,
				      struct netlink_ext_ack *extack)
{
	struct ip_vs_pe_reply_net *pn = ip_vs_pe_reply_pernet(net);
	struct nlattr *nest = nla_nest_start(msg, IPVS_UDP_A_COUNTERS_REPLY);
	struct ip_vs_pe_reply_stats st;

	if (!nest)
		return -EMSGSIZE;
	ip_vs_pe_reply_stats_sum(pn, &st);
	if (nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_REQUESTS,
			      st.requests, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_REFUSED,
			      st.refused, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_REPLIES,
			      st.replies, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_DUPLICATES,
			      st.duplicates, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_LATE,
			      st.late, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_UNSOLICITED,
			      st.unsolicited, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_TIMEOUTS,
			      st.timeouts, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u32(msg, IPVS_UDP_A_REPLY_COUNTERS_RECORDS,
			atomic_read(&pn->nreqs)) ||
	    nla_put_u32(msg, IPVS_UDP_A_REPLY_COUNTERS_DESTS,
			atomic_read(&pn->ndests)) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_PERMISSIVE,
			      st.permissive, IPVS_UDP_A_REPLY_COUNTERS_PAD) ||
	    nla_put_u32(msg, IPVS_UDP_A_REPLY_COUNTERS_SERVICES,
			READ_ONCE(pn->nsvcconf)) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_REPLY_COUNTERS_NO_CONN,
			      st.no_conn, IPVS_UDP_A_REPLY_COUNTERS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * ip_vs_pe_reply_nl_check - reply-timeouts events of a namespace
 * @pn: its state
 *
 * From the GC work (process context): an event for each real server
 * whose timeouts grew by the threshold since its last event.
 */
void ip_vs_pe_reply_nl_check(struct ip_vs_pe_reply_net *pn)
{
	u32 thr = READ_ONCE(pn->timeout_threshold);
	struct ip_vs_pe_reply_dstats st;
	struct ip_vs_udp_nl_event ev;
	struct ip_vs_pe_reply_dest *d;
	struct rhashtable_iter it;
	u64 last;

	if (!thr || !ip_vs_udp_nl_want_events(pn->net))
		return;
	rhashtable_walk_enter(&pn->dests, &it);
	rhashtable_walk_start(&it);
	while ((d = rhashtable_walk_next(&it))) {
		if (IS_ERR(d))
			continue;	/* -EAGAIN: resized, go on */
		ip_vs_pe_reply_dstats_sum(d, &st);
		last = READ_ONCE(d->notified_timeouts);
		if (st.timeouts < last + thr)
			continue;
		WRITE_ONCE(d->notified_timeouts, st.timeouts);
		ev = (struct ip_vs_udp_nl_event) {
			.reason		= IPVS_UDP_EVENT_REASON_REPLY_TIMEOUTS,
			.daddr		= &d->key.addr,
			.dport		= d->key.port,
			.daf		= d->key.af,
			.timeouts	= st.timeouts,
			.threshold	= thr,
		};
		/* under RCU (the walk): no sleeping allocation */
		ip_vs_udp_nl_send_event(pn->net, &ev, GFP_ATOMIC);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
}

const struct ip_vs_udp_nl_provider ip_vs_pe_reply_nl_provider_v2 = {
	.doit	= {
		[IPVS_UDP_CMD_REPLY_GET]	= ip_vs_pe_reply_nl_get,
		[IPVS_UDP_CMD_REPLY_SET]	= ip_vs_pe_reply_nl_set,
		[IPVS_UDP_CMD_REPLY_DEST_GET]	= ip_vs_pe_reply_nl_dest_get,
	},
	.dumpit	= {
		[IPVS_UDP_CMD_REPLY_DEST_GET]	= ip_vs_pe_reply_nl_dest_dump,
	},
	.counters = ip_vs_pe_reply_nl_counters,
};
EXPORT_SYMBOL_GPL(ip_vs_pe_reply_nl_provider_v2);
