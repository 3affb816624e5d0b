// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: the operations of the ipvs_udp
 * generic netlink family (docs/netlink.md) for the services of every
 * scheduler on the core ("sip", "radius"): per-service settings and
 * counters (sip-get/set, radius-get/set, counters-get, through each
 * scheduler's provider, which names its attributes in its struct
 * ip_vs_kaff_nl_desc), bindings (get, dump, flush: this module's provider,
 * for any keyed-affinity service), and events when a real server's
 * bindings move.
 *
 * Services are found on ip_vs_kaff_services under ip_vs_kaff_mutex, by
 * the key IPVS uses (af + fwmark, or af + protocol + address + port), in
 * the caller's network namespace. A service on the list is alive:
 * ip_vs_kaff_done_svc() takes it off under the same mutex before IPVS
 * frees it.
 *
 * Dumps keep no pointer between messages: cb->ctx holds the key of the
 * service being dumped and a cursor into its binding table: the bucket,
 * how many of its slots were walked, and the table size.
 * The next message finds the service again (or, deleted meanwhile, the
 * next one by key order, flagging the dump NLM_F_DUMP_INTR) and goes on
 * from that bucket, so a dump costs O(bindings + buckets) in all, however
 * many messages it takes. Bindings added or removed meanwhile may be
 * missed or repeated, as in any netlink dump. A new binding table (a
 * resize, told by its generation) moves the cursor to the same fraction
 * of the new table and flags the dump NLM_F_DUMP_INTR: bindings do not
 * keep their order across tables, so it may repeat or miss bindings, and a
 * tool that needs an exact list dumps again. The cursor only moves
 * forward, so a dump always ends.
 */
#include <linux/math64.h>
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "ip_vs_kaff_nl.h"

/*
 * The keyed-affinity service of @net named @k, of the scheduler @c (or of
 * any: NULL), under ip_vs_kaff_mutex; or NULL.
 */
static struct ip_vs_kaff_svc *
ip_vs_kaff_nl_find(struct net *net, const struct ip_vs_kaff_class *c,
		   const struct ip_vs_udp_nl_svc_key *k)
{
	struct ip_vs_kaff_svc *s;

	lockdep_assert_held(&ip_vs_kaff_mutex);
	list_for_each_entry(s, &ip_vs_kaff_services, list)
		if (s->svc && (!c || s->cls == c) && net_eq(s->net, net) &&
		    ip_vs_udp_nl_svc_match(k, s->svc))
			return s;
	return NULL;
}

/*
 * Parse the service attribute @type of a request and find the service of
 * @c (any scheduler on the core: NULL), whose "no such service" message is
 * @nosvc.
 */
static struct ip_vs_kaff_svc *ip_vs_kaff_nl_svc(struct genl_info *info,
						const struct ip_vs_kaff_class *c,
						int type, const char *nosvc)
{
	struct ip_vs_udp_nl_svc_key k;
	struct ip_vs_kaff_svc *s;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, type, "service attribute missing"))
		return ERR_PTR(-EINVAL);
	ret = ip_vs_udp_nl_parse_service(info->attrs[type], &k, info->extack);
	if (ret)
		return ERR_PTR(ret);
	s = ip_vs_kaff_nl_find(genl_info_net(info), c, &k);
	if (!s) {
		/* NL_SET_ERR_MSG_ATTR() for a message chosen at run time */
		NL_SET_BAD_ATTR(info->extack, info->attrs[type]);
		if (info->extack)
			info->extack->_msg = nosvc;
		return ERR_PTR(-ESRCH);
	}
	return s;
}

/*
 * The "no such service" message of a scheduler's operations. It lives in
 * this module, not in the scheduler's: netlink reads the extack after the
 * family module has let go of the provider's module, which may then be
 * gone, while a service of ours (it holds this module) or the family
 * module's reference keeps this one.
 */
static const char *ip_vs_kaff_nl_nosvc(const struct ip_vs_kaff_nl_desc *d)
{
	switch (d->get_cmd) {
	case IPVS_UDP_CMD_SIP_GET:
		return "no such service using the sip scheduler";
	case IPVS_UDP_CMD_RADIUS_GET:
		return "no such service using the radius scheduler";
	default:
		return "no such service using this scheduler";
	}
}

/* The real server a binding is on, from the current table; or NULL. */
static const struct ip_vs_dest *
ip_vs_kaff_nl_bdest(const struct ip_vs_kaff_table *t,
		    const struct ip_vs_kaff_binding *b)
{
	const struct ip_vs_dest *want = READ_ONCE(b->dest);
	unsigned int i;

	for (i = 0; i < t->ndests; i++)
		if (t->dests[i] == want)
			return want;
	return NULL;
}

/* The table entry for a real server key; or NULL. Under RCU. */
static struct ip_vs_dest *
ip_vs_kaff_nl_tdest(const struct ip_vs_kaff_table *t,
		    const struct ip_vs_udp_nl_dest_key *k)
{
	unsigned int i;

	for (i = 0; i < t->ndests; i++)
		if (ip_vs_udp_nl_dest_match(k, t->dests[i]))
			return t->dests[i];
	return NULL;
}

/* Is @i the first state whose timeout attribute is @d->s_timeout[@i]? */
static bool ip_vs_kaff_nl_first_timeout(const struct ip_vs_kaff_nl_desc *d,
					unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (d->s_timeout[j] == d->s_timeout[i])
			return false;
	return true;
}

static int ip_vs_kaff_nl_put_settings(struct sk_buff *skb,
				      const struct ip_vs_kaff_nl_desc *d,
				      const struct ip_vs_kaff_svc *s)
{
	const struct ip_vs_kaff_conf *c = &s->conf;
	struct nlattr *nest = nla_nest_start(skb, d->a_settings);
	/* IPVS edits the flags under its own mutex, not ours. */
	unsigned int flags = READ_ONCE(s->svc->flags);
	bool move = ip_vs_kaff_move_quiesced(s, flags);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	/* States that share an attribute (radius) have the same timeout. */
	for (i = 0; i < IP_VS_KAFF_NSTATES; i++)
		if (d->s_timeout[i] && ip_vs_kaff_nl_first_timeout(d, i) &&
		    nla_put_u32(skb, d->s_timeout[i],
				READ_ONCE(c->timeout[i])))
			goto err;
	if (nla_put_u32(skb, d->s_max_bindings, READ_ONCE(c->max_bindings)) ||
	    nla_put_u64_64bit(skb, d->s_seed, READ_ONCE(c->seed), d->s_pad) ||
	    nla_put_u32(skb, d->s_drain_policy,
			move ? IPVS_UDP_DRAIN_POLICY_MOVE :
			IPVS_UDP_DRAIN_POLICY_DRAIN) ||
	    nla_put_u32(skb, d->s_svc_flags, flags))
		goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ip_vs_kaff_nl_put_counters(struct sk_buff *skb, int type,
				      const struct ip_vs_kaff_nl_desc *d,
				      const struct ip_vs_kaff_svc *s)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	struct ip_vs_kaff_stats st;
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	ip_vs_kaff_stats_sum(s, &st);
	{
		const struct {
			int	type;
			u64	val;
		} c[] = {
			{ d->c_messages, st.messages },
			{ d->c_hits, st.hits },
			{ d->c_created, st.created },
			{ d->c_expired, st.expired },
			{ d->c_moved, st.moved },
			{ d->c_refused, st.refused },
			{ d->c_nodest, st.nodest },
		};

		if (nla_put_u32(skb, d->c_bindings,
				atomic_read(&s->nbindings)))
			goto err;
		for (i = 0; i < ARRAY_SIZE(c); i++)
			if (nla_put_u64_64bit(skb, c[i].type, c[i].val,
					      d->c_pad))
				goto err;
	}
	for (i = 0; i < IP_VS_KAFF_NCLS; i++)
		if (d->c_cls[i] &&
		    nla_put_u64_64bit(skb, d->c_cls[i], st.cls[i], d->c_pad))
			goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ip_vs_kaff_nl_put_svc(struct sk_buff *skb, int type,
				 const struct ip_vs_kaff_svc *s)
{
	struct ip_vs_udp_nl_svc_key k;

	ip_vs_udp_nl_svc_key_of(s->svc, &k);
	return ip_vs_udp_nl_put_service(skb, type, &k);
}

/**
 * ip_vs_kaff_nl_get - sip-get, radius-get: settings and counters
 * @c: the scheduler whose operation it is
 * @skb: the request
 * @info: its generic netlink arguments
 *
 * Return: 0 or a negative errno (with the extack set).
 */
int ip_vs_kaff_nl_get(const struct ip_vs_kaff_class *c, struct sk_buff *skb,
		      struct genl_info *info)
{
	const struct ip_vs_kaff_nl_desc *d = c->nl;
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	mutex_lock(&ip_vs_kaff_mutex);
	s = ip_vs_kaff_nl_svc(info, c, d->a_service, ip_vs_kaff_nl_nosvc(d));
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto out;
	}
	ret = -ENOMEM;
	msg = ip_vs_udp_nl_reply_new(info, d->get_cmd, &hdr);
	if (!msg)
		goto out;
	if (ip_vs_kaff_nl_put_svc(msg, d->a_service, s) ||
	    ip_vs_kaff_nl_put_settings(msg, d, s) ||
	    ip_vs_kaff_nl_put_counters(msg, d->a_counters, d, s)) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	mutex_unlock(&ip_vs_kaff_mutex);
	return genlmsg_reply(msg, info);
out:
	mutex_unlock(&ip_vs_kaff_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_nl_get);

/**
 * ip_vs_kaff_nl_set - sip-set, radius-set: change settings; absent stay
 * @c: the scheduler whose operation it is
 * @skb: the request
 * @info: its generic netlink arguments (the settings nest validated by
 *	  the operation's policy)
 *
 * Return: 0 or a negative errno (with the extack set); nothing changes on
 * an error.
 */
int ip_vs_kaff_nl_set(const struct ip_vs_kaff_class *c, struct sk_buff *skb,
		      struct genl_info *info)
{
	const struct ip_vs_kaff_nl_desc *d = c->nl;
	struct nlattr *tb[IP_VS_KAFF_NL_SETTINGS_MAX + 1];
	struct ip_vs_kaff_conf *conf;
	struct ip_vs_kaff_svc *s;
	unsigned int i;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, d->a_settings,
				 "settings attribute missing"))
		return -EINVAL;
	ret = nla_parse_nested(tb, d->s_max, info->attrs[d->a_settings],
			       NULL, info->extack);
	if (ret)
		return ret;
	if (tb[d->s_svc_flags]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[d->s_svc_flags],
				    "service flags are read only (ipvsadm -E -b)");
		return -EOPNOTSUPP;
	}

	mutex_lock(&ip_vs_kaff_mutex);
	s = ip_vs_kaff_nl_svc(info, c, d->a_service, ip_vs_kaff_nl_nosvc(d));
	if (IS_ERR(s)) {
		mutex_unlock(&ip_vs_kaff_mutex);
		return PTR_ERR(s);
	}
	conf = &s->conf;
	/* First: when the new table cannot be built, nothing changes. */
	if (tb[d->s_seed]) {
		ret = ip_vs_kaff_svc_reseed(s, nla_get_u64(tb[d->s_seed]));
		if (ret) {
			mutex_unlock(&ip_vs_kaff_mutex);
			NL_SET_ERR_MSG_ATTR(info->extack, tb[d->s_seed],
					    "cannot build the placement table for this seed");
			return ret;
		}
	}
	for (i = 0; i < IP_VS_KAFF_NSTATES; i++)
		if (d->s_timeout[i] && tb[d->s_timeout[i]])
			WRITE_ONCE(conf->timeout[i],
				   nla_get_u32(tb[d->s_timeout[i]]));
	if (tb[d->s_max_bindings])
		WRITE_ONCE(conf->max_bindings,
			   nla_get_u32(tb[d->s_max_bindings]));
	if (tb[d->s_drain_policy])
		WRITE_ONCE(conf->move_quiesced,
			   nla_get_u32(tb[d->s_drain_policy]) ==
			   IPVS_UDP_DRAIN_POLICY_MOVE);
	mutex_unlock(&ip_vs_kaff_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_nl_set);

/* One binding's attributes; under RCU with the table @t. */
static int ip_vs_kaff_nl_put_binding(struct sk_buff *skb,
				     const struct ip_vs_kaff_svc *s,
				     const struct ip_vs_kaff_table *t,
				     const struct ip_vs_kaff_binding *b,
				     unsigned long now)
{
	struct nlattr *nest = nla_nest_start(skb, IPVS_UDP_A_SIP_BINDING);
	unsigned long exp = ip_vs_kaff_expiry(b, now);
	const struct ip_vs_dest *d = ip_vs_kaff_nl_bdest(t, b);

	if (!nest)
		return -EMSGSIZE;
	if ((s->cls->nl->callid &&
	     nla_put(skb, IPVS_UDP_A_BINDING_CALL_ID, b->len, b->key)) ||
	    nla_put(skb, IPVS_UDP_A_BINDING_KEY, b->len, b->key) ||
	    (d && ip_vs_udp_nl_put_dest(skb, IPVS_UDP_A_BINDING_DEST, d->af,
					&d->addr, d->port)) ||
	    nla_put_u32(skb, IPVS_UDP_A_BINDING_STATE, READ_ONCE(b->state)) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_BINDING_AGE_MS,
			      max_t(s32, (u32)ktime_get_seconds() -
				    READ_ONCE(b->created), 0) *
			      (u64)MSEC_PER_SEC,
			      IPVS_UDP_A_BINDING_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_BINDING_IDLE_MS,
			      jiffies_to_msecs(max_t(long,
						     ip_vs_kaff_idle(b, now),
						     0)),
			      IPVS_UDP_A_BINDING_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_BINDING_EXPIRES_MS,
			      time_after(exp, now) ?
			      jiffies_to_msecs(exp - now) : 0,
			      IPVS_UDP_A_BINDING_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A whole binding message: service, binding, scheduler. */
static int ip_vs_kaff_nl_binding_msg(struct sk_buff *skb, u32 portid, u32 seq,
				     u16 type, int flags,
				     const struct ip_vs_kaff_svc *s,
				     const struct ip_vs_kaff_table *t,
				     const struct ip_vs_kaff_binding *b,
				     struct netlink_callback *cb)
{
	void *hdr = ip_vs_udp_nl_put_hdr(skb, portid, seq, type, flags,
					 IPVS_UDP_CMD_BINDING_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (ip_vs_kaff_nl_put_svc(skb, IPVS_UDP_A_SIP_SERVICE, s) ||
	    ip_vs_kaff_nl_put_binding(skb, s, t, b, jiffies) ||
	    nla_put_string(skb, IPVS_UDP_A_SIP_SCHEDULER, s->cls->sched->name)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The key a binding-get or a flush names: key, or call-id (the same bytes
 * for a sip service). NULL when neither is there, an ERR_PTR when the one
 * there is bad.
 */
static const struct nlattr *ip_vs_kaff_nl_key(struct nlattr **attrs,
					      struct netlink_ext_ack *extack)
{
	const struct nlattr *cid = attrs[IPVS_UDP_A_SIP_CALL_ID];
	const struct nlattr *key = attrs[IPVS_UDP_A_SIP_KEY];
	int ret;

	if (cid && key) {
		NL_SET_ERR_MSG_ATTR(extack, key, "key or call-id, not both");
		return ERR_PTR(-EINVAL);
	}
	if (cid) {
		ret = ip_vs_udp_nl_parse_callid(cid, extack);
		return ret ? ERR_PTR(ret) : cid;
	}
	if (key && (nla_len(key) < 1 || nla_len(key) > IPVS_UDP_KEY_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, key, "key must be 1 to 255 bytes");
		return ERR_PTR(-EINVAL);
	}
	return key;
}

/* Any keyed-affinity service named by a binding request */
static struct ip_vs_kaff_svc *ip_vs_kaff_nl_bsvc(struct genl_info *info)
{
	return ip_vs_kaff_nl_svc(info, NULL, IPVS_UDP_A_SIP_SERVICE,
				 "no such service using a keyed-affinity scheduler (sip, radius)");
}

/*
 * binding-get do: the binding of one key, by one hash lookup in the
 * service's binding table (ip_vs_kaff_lookup()), never a walk; the mutex
 * is held only to find the service.
 */
static int ip_vs_kaff_nl_binding_get(struct sk_buff *skb,
				     struct genl_info *info)
{
	const struct nlattr *cid = ip_vs_kaff_nl_key(info->attrs, info->extack);
	const struct ip_vs_kaff_table *t;
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	int ret;

	if (IS_ERR(cid))
		return PTR_ERR(cid);
	if (!cid) {
		GENL_SET_ERR_MSG(info, "key (or call-id) attribute missing");
		return -EINVAL;
	}
	if (info->attrs[IPVS_UDP_A_SIP_DEST]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPVS_UDP_A_SIP_DEST],
				    "dest filters dumps only");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ip_vs_kaff_mutex);
	s = ip_vs_kaff_nl_bsvc(info);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto out;
	}
	ret = -ENOENT;
	rcu_read_lock();
	t = rcu_dereference(s->table);
	b = ip_vs_kaff_lookup(s, nla_data(cid), nla_len(cid));
	if (b)
		ret = ip_vs_kaff_nl_binding_msg(msg, info->snd_portid,
						info->snd_seq,
					       info->nlhdr->nlmsg_type, 0, s,
					       t, b, NULL);
	rcu_read_unlock();
out:
	mutex_unlock(&ip_vs_kaff_mutex);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, cid,
					    "no binding for this key");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Where a binding dump stands, in cb->ctx. */
struct ip_vs_kaff_nl_dump {
	struct ip_vs_udp_nl_svc_key	cur;	/* service of the last message */
	u32				gen;	/* its ip_vs_kaff_svc.gen */
	u32				bucket;	/* next bucket of cur's bindings */
	u32				size;	/* buckets then (0: not started) */
	u32				tgen;	/* ip_vs_kaff_tab.gen then */
	u8				skip;	/* slots of it already walked */
	u8				state;	/* IP_VS_KAFF_NL_D_* */
};

enum {
	IP_VS_KAFF_NL_D_FRESH,		/* nothing sent yet */
	IP_VS_KAFF_NL_D_IN,		/* within cur: skip @walked */
	IP_VS_KAFF_NL_D_AFTER,		/* cur done: next key above it */
};

/*
 * The next service of the dump: cur itself while within it, else the one
 * with the smallest key above cur (or the smallest at all).
 */
static struct ip_vs_kaff_svc *
ip_vs_kaff_nl_dump_next(struct net *net, struct ip_vs_kaff_nl_dump *d,
			const struct ip_vs_udp_nl_svc_key *only,
		       struct netlink_callback *cb)
{
	struct ip_vs_kaff_svc *s, *best = NULL;
	struct ip_vs_udp_nl_svc_key k, bk;

	list_for_each_entry(s, &ip_vs_kaff_services, list) {
		if (!s->svc || !net_eq(s->net, net))
			continue;
		if (only && !ip_vs_udp_nl_svc_match(only, s->svc))
			continue;
		ip_vs_udp_nl_svc_key_of(s->svc, &k);
		if (d->state == IP_VS_KAFF_NL_D_IN &&
		    !ip_vs_udp_nl_svc_key_cmp(&k, &d->cur)) {
			if (s->gen == d->gen)
				return s;
			/*
			 * Another state under the same key (the scheduler
			 * switched, or the service was deleted and added
			 * again): its own table, from its first bucket; the
			 * dump is flagged interrupted.
			 */
			cb->seq++;
			d->gen = s->gen;
			d->bucket = 0;
			d->skip = 0;
			d->size = 0;
			return s;
		}
		if (d->state != IP_VS_KAFF_NL_D_FRESH &&
		    ip_vs_udp_nl_svc_key_cmp(&k, &d->cur) <= 0)
			continue;
		if (!best || ip_vs_udp_nl_svc_key_cmp(&k, &bk) < 0) {
			best = s;
			bk = k;
		}
	}
	if (d->state == IP_VS_KAFF_NL_D_IN)
		cb->seq++;	/* deleted since the last message: go on after it */
	if (best) {
		d->cur = bk;
		d->gen = best->gen;
		d->state = IP_VS_KAFF_NL_D_IN;
	}
	d->bucket = 0;
	d->skip = 0;
	d->size = 0;
	return best;
}

/*
 * The binding table of @s as of now, under RCU; the cursor follows a
 * resize to the same fraction of the new table (the dump is flagged
 * interrupted).
 */
static const struct ip_vs_kaff_tab *
ip_vs_kaff_nl_dump_tbl(struct ip_vs_kaff_svc *s, struct ip_vs_kaff_nl_dump *d,
		       struct netlink_callback *cb)
{
	const struct ip_vs_kaff_tab *tbl = rcu_dereference(s->bindings);
	u32 size = ip_vs_kaff_tab_buckets(tbl);

	if (d->size && d->tgen != tbl->gen) {
		d->bucket = div_u64((u64)d->bucket * size, d->size);
		d->skip = 0;
		cb->seq++;
	}
	d->size = size;
	d->tgen = tbl->gen;
	return tbl;
}

/*
 * Bindings, or buckets, looked at with the mutex held: then the dump lets
 * go of it (and reschedules) and finds its service again by key.
 */
#define IP_VS_KAFF_NL_DUMP_BATCH	1024
#define IP_VS_KAFF_NL_DUMP_BUCKETS	4096

/*
 * Dump the bindings of @s from the cursor in @d on; under ip_vs_kaff_mutex.
 * Return: 0 when all were sent, -EMSGSIZE when the message is full,
 * -EAGAIN after IP_VS_KAFF_NL_DUMP_BATCH bindings or
 * IP_VS_KAFF_NL_DUMP_BUCKETS buckets (the cursor says where).
 */
static int ip_vs_kaff_nl_dump_svc(struct sk_buff *skb,
				  struct netlink_callback *cb,
				 struct ip_vs_kaff_svc *s,
				 struct ip_vs_kaff_nl_dump *d,
				 const struct ip_vs_udp_nl_dest_key *dk)
{
	const struct ip_vs_kaff_table *t;
	const struct ip_vs_kaff_tab *tbl;
	const struct ip_vs_dest *bd;
	struct ip_vs_kaff_binding *b;
	unsigned int n, seen = 0, buckets = 0;
	int ret = 0;

	rcu_read_lock();
	t = rcu_dereference(s->table);
	tbl = ip_vs_kaff_nl_dump_tbl(s, d, cb);
	while (d->bucket < d->size) {
		for (n = d->skip; n < IP_VS_KAFF_SLOTS; n++) {
			b = rcu_dereference(tbl->bkt[d->bucket].b[n]);
			if (!b)
				continue;
			seen++;
			if (dk) {
				bd = ip_vs_kaff_nl_bdest(t, b);
				if (!bd || !ip_vs_udp_nl_dest_match(dk, bd)) {
					d->skip = n + 1;
					continue;
				}
			}
			ret = ip_vs_kaff_nl_binding_msg(skb,
							NETLINK_CB(cb->skb).portid,
						       cb->nlh->nlmsg_seq,
						       cb->nlh->nlmsg_type,
						       NLM_F_MULTI, s, t, b, cb);
			if (ret)
				goto out;
			d->skip = n + 1;
		}
		d->bucket++;
		d->skip = 0;
		if ((seen >= IP_VS_KAFF_NL_DUMP_BATCH ||
		     ++buckets >= IP_VS_KAFF_NL_DUMP_BUCKETS) &&
		    d->bucket < d->size) {
			ret = -EAGAIN;
			break;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}

static int ip_vs_kaff_nl_binding_dump(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct nlattr **attrs = ipvs_udp_genl_dump_attrs(cb);
	struct ip_vs_kaff_nl_dump *d = (void *)cb->ctx;
	struct ip_vs_udp_nl_svc_key only;
	struct ip_vs_udp_nl_dest_key dk;
	struct net *net = sock_net(skb->sk);
	struct ip_vs_kaff_svc *s;
	bool by_svc = false, by_dest = false;
	int ret = 0;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	if (attrs[IPVS_UDP_A_SIP_CALL_ID] || attrs[IPVS_UDP_A_SIP_KEY]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[IPVS_UDP_A_SIP_CALL_ID] ?:
				    attrs[IPVS_UDP_A_SIP_KEY],
				    "a key selects a binding with a do request, not a dump");
		return -EINVAL;
	}
	if (attrs[IPVS_UDP_A_SIP_SERVICE]) {
		ret = ip_vs_udp_nl_parse_service(attrs[IPVS_UDP_A_SIP_SERVICE],
						 &only, cb->extack);
		if (ret)
			return ret;
		by_svc = true;
	}
	if (attrs[IPVS_UDP_A_SIP_DEST]) {
		ret = ip_vs_udp_nl_parse_dest(attrs[IPVS_UDP_A_SIP_DEST],
					      &dk, cb->extack);
		if (ret)
			return ret;
		by_dest = true;
	}
	if (d->state == IP_VS_KAFF_NL_D_FRESH)
		cb->seq = 1;	/* genl_dump_check_consistent() compares */

	/*
	 * The mutex keeps the service alive; it is held for one batch of
	 * bindings at a time, never across a whole table (done_service and
	 * the other operations take it too).
	 */
	for (;;) {
		mutex_lock(&ip_vs_kaff_mutex);
		s = ip_vs_kaff_nl_dump_next(net, d, by_svc ? &only : NULL, cb);
		if (s) {
			ret = ip_vs_kaff_nl_dump_svc(skb, cb, s, d,
						     by_dest ? &dk : NULL);
			if (!ret)
				d->state = IP_VS_KAFF_NL_D_AFTER;
		}
		mutex_unlock(&ip_vs_kaff_mutex);
		if (!s || (ret && ret != -EAGAIN))
			break;
		ret = 0;
		cond_resched();
	}
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	if (ret == -EMSGSIZE)
		NL_SET_ERR_MSG(cb->extack, "binding too large for a message");
	return ret ?: skb->len;
}

/* A flush or an event's count: all bindings, or those of one server. */
struct ip_vs_kaff_nl_match {
	const struct ip_vs_dest	*dest;	/* identity, compared only */
	u32			count;
	bool			remove;
};

static bool ip_vs_kaff_nl_pick(struct ip_vs_kaff_binding *b, unsigned long arg)
{
	struct ip_vs_kaff_nl_match *m = (void *)arg;

	if (m->dest && READ_ONCE(b->dest) != m->dest)
		return false;
	m->count++;
	return m->remove;
}

/* An event about @s and the real server @dk (a copy, or NULL). */
static void ip_vs_kaff_nl_event(struct ip_vs_kaff_svc *s,
				const struct ip_vs_udp_nl_dest_key *dk,
			       u32 reason, u32 count)
{
	struct ip_vs_udp_nl_svc_key k;
	struct ip_vs_udp_nl_event ev = {
		.reason		= reason,
		.svc		= &k,
		.bindings	= count,
	};

	ip_vs_udp_nl_svc_key_of(s->svc, &k);
	if (dk) {
		ev.daf = dk->af;
		ev.daddr = &dk->addr;
		ev.dport = dk->port;
	}
	ip_vs_udp_nl_send_event(s->net, &ev, GFP_KERNEL);
}

static int ip_vs_kaff_nl_binding_flush(struct sk_buff *skb,
				       struct genl_info *info)
{
	const struct nlattr *cid = ip_vs_kaff_nl_key(info->attrs, info->extack);
	const struct nlattr *dattr = info->attrs[IPVS_UDP_A_SIP_DEST];
	struct ip_vs_kaff_nl_match m = { .remove = true };
	struct ip_vs_udp_nl_dest_key dk;
	struct ip_vs_dest *dest = NULL;
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (IS_ERR(cid))
		return PTR_ERR(cid);
	if (cid && dattr) {
		NL_SET_ERR_MSG_ATTR(info->extack, cid,
				    "flush by dest or by key, not both");
		return -EINVAL;
	}
	if (dattr) {
		ret = ip_vs_udp_nl_parse_dest(dattr, &dk, info->extack);
		if (ret)
			return ret;
	}
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_BINDING_FLUSH, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ip_vs_kaff_mutex);
	s = ip_vs_kaff_nl_bsvc(info);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto err;
	}
	if (dattr) {
		/*
		 * The table holds a reference on its servers while we read
		 * it under RCU; ours keeps the identity the walk compares
		 * (never dereferenced after rcu_read_unlock(): the event
		 * names the server by the request's key) from being freed
		 * and reused meanwhile.
		 */
		rcu_read_lock();
		dest = ip_vs_kaff_nl_tdest(rcu_dereference(s->table), &dk);
		if (dest)
			ip_vs_dest_hold(dest);
		rcu_read_unlock();
		if (!dest) {
			NL_SET_ERR_MSG_ATTR(info->extack, dattr,
					    "no such real server in the service");
			ret = -ENOENT;
			goto err;
		}
		m.dest = dest;
	}
	if (cid) {
		/* one key: one hash lookup, no walk */
		m.count = ip_vs_kaff_unbind_key(s, nla_data(cid), nla_len(cid));
	} else {
		ip_vs_kaff_walk(s, ip_vs_kaff_nl_pick, (unsigned long)&m);
	}
	if (dest)
		ip_vs_dest_put(dest);
	if (m.count && ip_vs_udp_nl_want_events(s->net))
		ip_vs_kaff_nl_event(s, dattr ? &dk : NULL,
				    IPVS_UDP_EVENT_REASON_FLUSHED, m.count);
	mutex_unlock(&ip_vs_kaff_mutex);
	if (nla_put_u32(msg, IPVS_UDP_A_SIP_COUNT, m.count)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	mutex_unlock(&ip_vs_kaff_mutex);
	nlmsg_free(msg);
	return ret;
}

/**
 * ip_vs_kaff_nl_dest_event - tell listeners a real server's bindings move
 * @s: the service
 * @dest: the real server, removed or quiesced (identity; its address is
 *	  still readable: IPVS keeps it until a grace period after this)
 * @reason: IPVS_UDP_EVENT_REASON_DEST_REMOVED or _DEST_QUIESCED
 *
 * Process context (IPVS calls the scheduler's del_dest and upd_dest with
 * its service mutex held). Walks the bindings only when someone listens.
 */
void ip_vs_kaff_nl_dest_event(struct ip_vs_kaff_svc *s,
			      const struct ip_vs_dest *dest, u32 reason)
{
	struct ip_vs_kaff_nl_match m = { .dest = dest };
	struct ip_vs_udp_nl_dest_key dk = {
		.addr	= dest->addr,
		.port	= dest->port,
		.af	= dest->af,
	};

	if (!s->net || !ip_vs_udp_nl_want_events(s->net))
		return;
	ip_vs_kaff_walk(s, ip_vs_kaff_nl_pick, (unsigned long)&m);
	ip_vs_kaff_nl_event(s, &dk, reason, m.count);
}

/**
 * ip_vs_kaff_nl_counters - counters-get: nest the counters of every
 *	service of @c in @net (or of @filter only) into @msg
 * @c: the scheduler
 * @msg: the reply
 * @net: the caller's namespace
 * @filter: one service, or NULL
 *
 * Return: 0 or -EMSGSIZE.
 */
int ip_vs_kaff_nl_counters(const struct ip_vs_kaff_class *c,
			   struct sk_buff *msg, struct net *net,
			   const struct ip_vs_udp_nl_svc_key *filter)
{
	const struct ip_vs_kaff_nl_desc *d = c->nl;
	struct ip_vs_kaff_svc *s;
	struct nlattr *nest;
	int ret = 0;

	mutex_lock(&ip_vs_kaff_mutex);
	list_for_each_entry(s, &ip_vs_kaff_services, list) {
		if (!s->svc || s->cls != c || !net_eq(s->net, net))
			continue;
		if (filter && !ip_vs_udp_nl_svc_match(filter, s->svc))
			continue;
		nest = nla_nest_start(msg, d->k_nest);
		if (!nest ||
		    ip_vs_kaff_nl_put_svc(msg, d->k_service, s) ||
		    ip_vs_kaff_nl_put_counters(msg, d->k_counters, d, s)) {
			ret = -EMSGSIZE;
			break;
		}
		nla_nest_end(msg, nest);
	}
	mutex_unlock(&ip_vs_kaff_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_nl_counters);

/* The binding operations, for the services of every scheduler on the core */
const struct ip_vs_udp_nl_provider ip_vs_kaff_nl_provider_v2 = {
	.doit	= {
		[IPVS_UDP_CMD_BINDING_GET]	= ip_vs_kaff_nl_binding_get,
		[IPVS_UDP_CMD_BINDING_FLUSH]	= ip_vs_kaff_nl_binding_flush,
	},
	.dumpit	= {
		[IPVS_UDP_CMD_BINDING_GET]	= ip_vs_kaff_nl_binding_dump,
	},
};
EXPORT_SYMBOL_GPL(ip_vs_kaff_nl_provider_v2);
