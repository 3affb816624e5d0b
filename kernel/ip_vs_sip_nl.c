// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "sip" scheduler: its operations of the ipvs_udp generic netlink
 * family (docs/netlink.md): per-service settings and counters, Call-ID
 * bindings (get, dump, flush), and events when a real server's calls move.
 *
 * Services are found in this module's list of sip services under its
 * mutex, by the key IPVS uses (af + fwmark, or af + protocol + address +
 * port), in the caller's network namespace. A service on the list is
 * alive: ip_vs_sip_done_svc() takes it off under the same mutex before
 * IPVS frees it.
 *
 * Dumps keep no pointer between messages: cb->ctx holds the key of the
 * service being dumped and a cursor into its binding table: the hash
 * bucket, how many entries of that bucket were walked, and the table size.
 * The next message finds the service again (or, deleted meanwhile, the
 * next one by key order, flagging the dump NLM_F_DUMP_INTR) and goes on
 * from that bucket, so a dump costs O(bindings + buckets) in all, however
 * many messages it takes. Bindings added or removed meanwhile may be
 * missed or repeated, as in any netlink dump. A resize of the binding
 * table moves the cursor to the same fraction of the new table and flags
 * the dump NLM_F_DUMP_INTR (it may repeat or miss bindings; a tool that
 * needs an exact list dumps again): the cursor only moves forward, so a
 * dump always ends.
 */
#include <linux/math64.h>
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "ip_vs_sip.h"
#include "ip_vs_udp_nl.h"

/* The sip service of @net named @k, under ip_vs_sip_class.mutex; or NULL. */
static struct ip_vs_kaff_svc *
ip_vs_sip_nl_find(struct net *net, const struct ip_vs_udp_nl_svc_key *k)
{
	struct ip_vs_kaff_svc *s;

	lockdep_assert_held(&ip_vs_sip_class.mutex);
	list_for_each_entry(s, &ip_vs_sip_class.services, list)
		if (s->svc && net_eq(s->net, net) &&
		    ip_vs_udp_nl_svc_match(k, s->svc))
			return s;
	return NULL;
}

/* Parse the service attribute of a request and find the service. */
static struct ip_vs_kaff_svc *ip_vs_sip_nl_svc(struct genl_info *info)
{
	struct ip_vs_udp_nl_svc_key k;
	struct ip_vs_kaff_svc *s;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, IPVS_UDP_A_SIP_SERVICE,
				 "service attribute missing"))
		return ERR_PTR(-EINVAL);
	ret = ip_vs_udp_nl_parse_service(info->attrs[IPVS_UDP_A_SIP_SERVICE],
					 &k, info->extack);
	if (ret)
		return ERR_PTR(ret);
	s = ip_vs_sip_nl_find(genl_info_net(info), &k);
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IPVS_UDP_A_SIP_SERVICE],
				    "no such service using the sip scheduler");
		return ERR_PTR(-ESRCH);
	}
	return s;
}

/* The real server a binding is on, from the current table; or NULL. */
static const struct ip_vs_dest *
ip_vs_sip_nl_bdest(const struct ip_vs_kaff_table *t,
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
ip_vs_sip_nl_tdest(const struct ip_vs_kaff_table *t,
		   const struct ip_vs_udp_nl_dest_key *k)
{
	unsigned int i;

	for (i = 0; i < t->ndests; i++)
		if (ip_vs_udp_nl_dest_match(k, t->dests[i]))
			return t->dests[i];
	return NULL;
}

static int ip_vs_sip_nl_put_settings(struct sk_buff *skb,
				     const struct ip_vs_kaff_svc *s)
{
	const struct ip_vs_kaff_conf *c = &s->conf;
	struct nlattr *nest = nla_nest_start(skb, IPVS_UDP_A_SIP_SETTINGS);
	/* IPVS edits the flags under its own mutex, not ours. */
	unsigned int flags = READ_ONCE(s->svc->flags);
	bool move = ip_vs_kaff_move_quiesced(s, flags);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT,
			READ_ONCE(c->timeout[IP_VS_SIP_S_DIALOG])) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT,
			READ_ONCE(c->timeout[IP_VS_SIP_S_EARLY])) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT,
			READ_ONCE(c->timeout[IP_VS_SIP_S_TRANSACTION])) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT,
			READ_ONCE(c->timeout[IP_VS_SIP_S_LINGER])) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS,
			READ_ONCE(c->max_bindings)) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_SIP_SETTINGS_SEED,
			      READ_ONCE(c->seed), IPVS_UDP_A_SIP_SETTINGS_PAD) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY,
			move ? IPVS_UDP_DRAIN_POLICY_MOVE :
			IPVS_UDP_DRAIN_POLICY_DRAIN) ||
	    nla_put_u32(skb, IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS, flags)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ip_vs_sip_nl_put_counters(struct sk_buff *skb, int type,
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
			{ IPVS_UDP_A_SIP_COUNTERS_MESSAGES, st.messages },
			{ IPVS_UDP_A_SIP_COUNTERS_PARSED,
			  st.cls[IP_VS_SIP_C_PARSED] },
			{ IPVS_UDP_A_SIP_COUNTERS_NOKEY,
			  st.cls[IP_VS_SIP_C_NOKEY] },
			{ IPVS_UDP_A_SIP_COUNTERS_OVERSIZED,
			  st.cls[IP_VS_SIP_C_OVERSIZED] },
			{ IPVS_UDP_A_SIP_COUNTERS_HITS, st.hits },
			{ IPVS_UDP_A_SIP_COUNTERS_CREATED, st.created },
			{ IPVS_UDP_A_SIP_COUNTERS_EXPIRED, st.expired },
			{ IPVS_UDP_A_SIP_COUNTERS_MOVED, st.moved },
			{ IPVS_UDP_A_SIP_COUNTERS_REFUSED, st.refused },
			{ IPVS_UDP_A_SIP_COUNTERS_ENDED,
			  st.cls[IP_VS_SIP_C_ENDED] },
			{ IPVS_UDP_A_SIP_COUNTERS_NODEST, st.nodest },
			{ IPVS_UDP_A_SIP_COUNTERS_TOOLONG,
			  st.cls[IP_VS_SIP_C_TOOLONG] },
		};

		if (nla_put_u32(skb, IPVS_UDP_A_SIP_COUNTERS_BINDINGS,
				atomic_read(&s->nbindings)))
			goto err;
		for (i = 0; i < ARRAY_SIZE(c); i++)
			if (nla_put_u64_64bit(skb, c[i].type, c[i].val,
					      IPVS_UDP_A_SIP_COUNTERS_PAD))
				goto err;
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ip_vs_sip_nl_put_svc(struct sk_buff *skb, int type,
				const struct ip_vs_kaff_svc *s)
{
	struct ip_vs_udp_nl_svc_key k;

	ip_vs_udp_nl_svc_key_of(s->svc, &k);
	return ip_vs_udp_nl_put_service(skb, type, &k);
}

static int ip_vs_sip_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	mutex_lock(&ip_vs_sip_class.mutex);
	s = ip_vs_sip_nl_svc(info);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto out;
	}
	ret = -ENOMEM;
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_SIP_GET, &hdr);
	if (!msg)
		goto out;
	if (ip_vs_sip_nl_put_svc(msg, IPVS_UDP_A_SIP_SERVICE, s) ||
	    ip_vs_sip_nl_put_settings(msg, s) ||
	    ip_vs_sip_nl_put_counters(msg, IPVS_UDP_A_SIP_COUNTERS, s)) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	mutex_unlock(&ip_vs_sip_class.mutex);
	return genlmsg_reply(msg, info);
out:
	mutex_unlock(&ip_vs_sip_class.mutex);
	return ret;
}

static int ip_vs_sip_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[IPVS_UDP_A_SIP_SETTINGS_MAX + 1];
	struct ip_vs_kaff_svc *s;
	struct ip_vs_kaff_conf *c;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, IPVS_UDP_A_SIP_SETTINGS,
				 "settings attribute missing"))
		return -EINVAL;
	ret = nla_parse_nested(tb, IPVS_UDP_A_SIP_SETTINGS_MAX,
			       info->attrs[IPVS_UDP_A_SIP_SETTINGS],
			       NULL, info->extack);
	if (ret)
		return ret;
	if (tb[IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS],
				    "service flags are read only (ipvsadm -E -b)");
		return -EOPNOTSUPP;
	}

	mutex_lock(&ip_vs_sip_class.mutex);
	s = ip_vs_sip_nl_svc(info);
	if (IS_ERR(s)) {
		mutex_unlock(&ip_vs_sip_class.mutex);
		return PTR_ERR(s);
	}
	c = &s->conf;
	/* First: when the new table cannot be built, nothing changes. */
	if (tb[IPVS_UDP_A_SIP_SETTINGS_SEED]) {
		ret = ip_vs_kaff_svc_reseed(s,
					    nla_get_u64(tb[IPVS_UDP_A_SIP_SETTINGS_SEED]));
		if (ret) {
			mutex_unlock(&ip_vs_sip_class.mutex);
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[IPVS_UDP_A_SIP_SETTINGS_SEED],
					    "cannot build the placement table for this seed");
			return ret;
		}
	}
	if (tb[IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT])
		WRITE_ONCE(c->timeout[IP_VS_SIP_S_DIALOG],
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT]));
	if (tb[IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT])
		WRITE_ONCE(c->timeout[IP_VS_SIP_S_EARLY],
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT]));
	if (tb[IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT])
		WRITE_ONCE(c->timeout[IP_VS_SIP_S_TRANSACTION],
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT]));
	if (tb[IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT])
		WRITE_ONCE(c->timeout[IP_VS_SIP_S_LINGER],
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT]));
	if (tb[IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS])
		WRITE_ONCE(c->max_bindings,
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS]));
	if (tb[IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY])
		WRITE_ONCE(c->move_quiesced,
			   nla_get_u32(tb[IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY]) ==
			   IPVS_UDP_DRAIN_POLICY_MOVE);
	mutex_unlock(&ip_vs_sip_class.mutex);
	return 0;
}

/* One binding's attributes; under RCU with the table @t. */
static int ip_vs_sip_nl_put_binding(struct sk_buff *skb,
				    const struct ip_vs_kaff_table *t,
				    const struct ip_vs_kaff_binding *b,
				    unsigned long now)
{
	struct nlattr *nest = nla_nest_start(skb, IPVS_UDP_A_SIP_BINDING);
	unsigned long exp = READ_ONCE(b->expires);
	const struct ip_vs_dest *d = ip_vs_sip_nl_bdest(t, b);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, IPVS_UDP_A_BINDING_CALL_ID, b->len, b->key) ||
	    (d && ip_vs_udp_nl_put_dest(skb, IPVS_UDP_A_BINDING_DEST, d->af,
					&d->addr, d->port)) ||
	    nla_put_u32(skb, IPVS_UDP_A_BINDING_STATE, READ_ONCE(b->state)) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_BINDING_AGE_MS,
			      jiffies_to_msecs(now - READ_ONCE(b->created)),
			      IPVS_UDP_A_BINDING_PAD) ||
	    nla_put_u64_64bit(skb, IPVS_UDP_A_BINDING_IDLE_MS,
			      jiffies_to_msecs(now - READ_ONCE(b->last_use)),
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

/* A whole binding message: service, binding. */
static int ip_vs_sip_nl_binding_msg(struct sk_buff *skb, u32 portid, u32 seq,
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
	if (ip_vs_sip_nl_put_svc(skb, IPVS_UDP_A_SIP_SERVICE, s) ||
	    ip_vs_sip_nl_put_binding(skb, t, b, jiffies)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * binding-get do: the binding of one Call-ID, by one hash lookup in the
 * service's binding table (ip_vs_kaff_lookup()), never a walk; the mutex
 * is held only to find the service.
 */
static int ip_vs_sip_nl_binding_get(struct sk_buff *skb,
				    struct genl_info *info)
{
	const struct nlattr *cid = info->attrs[IPVS_UDP_A_SIP_CALL_ID];
	const struct ip_vs_kaff_table *t;
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	int ret;

	if (IP_VS_UDP_NL_REQUIRE(info, IPVS_UDP_A_SIP_CALL_ID,
				 "call-id attribute missing"))
		return -EINVAL;
	ret = ip_vs_udp_nl_parse_callid(cid, info->extack);
	if (ret)
		return ret;
	if (info->attrs[IPVS_UDP_A_SIP_DEST]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IPVS_UDP_A_SIP_DEST],
				    "dest filters dumps only");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ip_vs_sip_class.mutex);
	s = ip_vs_sip_nl_svc(info);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto out;
	}
	ret = -ENOENT;
	rcu_read_lock();
	t = rcu_dereference(s->table);
	b = ip_vs_kaff_lookup(s, nla_data(cid), nla_len(cid));
	if (b)
		ret = ip_vs_sip_nl_binding_msg(msg, info->snd_portid,
					       info->snd_seq,
					       info->nlhdr->nlmsg_type, 0, s,
					       t, b, NULL);
	rcu_read_unlock();
out:
	mutex_unlock(&ip_vs_sip_class.mutex);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, cid,
					    "no binding for this call-id");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Where a binding dump stands, in cb->ctx. */
struct ip_vs_sip_nl_dump {
	struct ip_vs_udp_nl_svc_key	cur;	/* service of the last message */
	u32				bucket;	/* next bucket of cur's bindings */
	u32				skip;	/* entries of it already walked */
	u32				size;	/* buckets then (0: not started) */
	u8				state;	/* IP_VS_SIP_NL_D_* */
};

enum {
	IP_VS_SIP_NL_D_FRESH,		/* nothing sent yet */
	IP_VS_SIP_NL_D_IN,		/* within cur: skip @walked */
	IP_VS_SIP_NL_D_AFTER,		/* cur done: next key above it */
};

/*
 * The next service of the dump: cur itself while within it, else the one
 * with the smallest key above cur (or the smallest at all).
 */
static struct ip_vs_kaff_svc *
ip_vs_sip_nl_dump_next(struct net *net, struct ip_vs_sip_nl_dump *d,
		       const struct ip_vs_udp_nl_svc_key *only,
		       struct netlink_callback *cb)
{
	struct ip_vs_kaff_svc *s, *best = NULL;
	struct ip_vs_udp_nl_svc_key k, bk;

	list_for_each_entry(s, &ip_vs_sip_class.services, list) {
		if (!s->svc || !net_eq(s->net, net))
			continue;
		if (only && !ip_vs_udp_nl_svc_match(only, s->svc))
			continue;
		ip_vs_udp_nl_svc_key_of(s->svc, &k);
		if (d->state == IP_VS_SIP_NL_D_IN &&
		    !ip_vs_udp_nl_svc_key_cmp(&k, &d->cur))
			return s;
		if (d->state != IP_VS_SIP_NL_D_FRESH &&
		    ip_vs_udp_nl_svc_key_cmp(&k, &d->cur) <= 0)
			continue;
		if (!best || ip_vs_udp_nl_svc_key_cmp(&k, &bk) < 0) {
			best = s;
			bk = k;
		}
	}
	if (d->state == IP_VS_SIP_NL_D_IN)
		cb->seq++;	/* deleted since the last message: go on after it */
	if (best) {
		d->cur = bk;
		d->state = IP_VS_SIP_NL_D_IN;
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
static const struct bucket_table *
ip_vs_sip_nl_dump_tbl(struct ip_vs_kaff_svc *s, struct ip_vs_sip_nl_dump *d,
		      struct netlink_callback *cb)
{
	const struct bucket_table *tbl = rht_dereference_rcu(s->bindings.tbl,
							     &s->bindings);

	if (d->size && d->size != tbl->size) {
		d->bucket = div_u64((u64)d->bucket * tbl->size, d->size);
		d->skip = 0;
		cb->seq++;
	}
	d->size = tbl->size;
	return tbl;
}

/*
 * Bindings looked at with the mutex held: then the dump lets go of it
 * (and reschedules) and finds its service again by key.
 */
#define IP_VS_SIP_NL_DUMP_BATCH	1024

/*
 * Dump the bindings of @s from the cursor in @d on; under ip_vs_sip_class.mutex.
 * Return: 0 when all were sent, -EMSGSIZE when the message is full,
 * -EAGAIN after IP_VS_SIP_NL_DUMP_BATCH bindings (the cursor says where).
 */
static int ip_vs_sip_nl_dump_svc(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct ip_vs_kaff_svc *s,
				 struct ip_vs_sip_nl_dump *d,
				 const struct ip_vs_udp_nl_dest_key *dk)
{
	const struct ip_vs_kaff_table *t;
	const struct bucket_table *tbl;
	const struct ip_vs_dest *bd;
	struct ip_vs_kaff_binding *b;
	struct rhash_head *pos;
	unsigned int n, seen = 0;
	int ret = 0;

	rcu_read_lock();
	t = rcu_dereference(s->table);
	tbl = ip_vs_sip_nl_dump_tbl(s, d, cb);
	while (d->bucket < tbl->size) {
		n = 0;
		rht_for_each_entry_rcu(b, pos, tbl, d->bucket, node) {
			if (n++ < d->skip)
				continue;
			seen++;
			if (dk) {
				bd = ip_vs_sip_nl_bdest(t, b);
				if (!bd || !ip_vs_udp_nl_dest_match(dk, bd)) {
					d->skip = n;
					continue;
				}
			}
			ret = ip_vs_sip_nl_binding_msg(skb,
						       NETLINK_CB(cb->skb).portid,
						       cb->nlh->nlmsg_seq,
						       cb->nlh->nlmsg_type,
						       NLM_F_MULTI, s, t, b, cb);
			if (ret)
				goto out;
			d->skip = n;
		}
		d->bucket++;
		d->skip = 0;
		if (seen >= IP_VS_SIP_NL_DUMP_BATCH &&
		    d->bucket < tbl->size) {
			ret = -EAGAIN;
			break;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}

static int ip_vs_sip_nl_binding_dump(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct nlattr **attrs = ipvs_udp_genl_dump_attrs(cb);
	struct ip_vs_sip_nl_dump *d = (void *)cb->ctx;
	struct ip_vs_udp_nl_svc_key only;
	struct ip_vs_udp_nl_dest_key dk;
	struct net *net = sock_net(skb->sk);
	struct ip_vs_kaff_svc *s;
	bool by_svc = false, by_dest = false;
	int ret = 0;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	if (attrs[IPVS_UDP_A_SIP_CALL_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[IPVS_UDP_A_SIP_CALL_ID],
				    "call-id selects a binding with a do request, not a dump");
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
	if (d->state == IP_VS_SIP_NL_D_FRESH)
		cb->seq = 1;	/* genl_dump_check_consistent() compares */

	/*
	 * The mutex keeps the service alive; it is held for one batch of
	 * bindings at a time, never across a whole table (done_service and
	 * the other operations take it too).
	 */
	for (;;) {
		mutex_lock(&ip_vs_sip_class.mutex);
		s = ip_vs_sip_nl_dump_next(net, d, by_svc ? &only : NULL, cb);
		if (s) {
			ret = ip_vs_sip_nl_dump_svc(skb, cb, s, d,
						    by_dest ? &dk : NULL);
			if (!ret)
				d->state = IP_VS_SIP_NL_D_AFTER;
		}
		mutex_unlock(&ip_vs_sip_class.mutex);
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
struct ip_vs_sip_nl_match {
	const struct ip_vs_dest	*dest;	/* identity, compared only */
	u32			count;
	bool			remove;
};

static bool ip_vs_sip_nl_pick(struct ip_vs_kaff_binding *b, unsigned long arg)
{
	struct ip_vs_sip_nl_match *m = (void *)arg;

	if (m->dest && READ_ONCE(b->dest) != m->dest)
		return false;
	m->count++;
	return m->remove;
}

/* An event about @s and the real server @dk (a copy, or NULL). */
static void ip_vs_sip_nl_event(struct ip_vs_kaff_svc *s,
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

static int ip_vs_sip_nl_binding_flush(struct sk_buff *skb,
				      struct genl_info *info)
{
	const struct nlattr *cid = info->attrs[IPVS_UDP_A_SIP_CALL_ID];
	const struct nlattr *dattr = info->attrs[IPVS_UDP_A_SIP_DEST];
	struct ip_vs_sip_nl_match m = { .remove = true };
	struct ip_vs_udp_nl_dest_key dk;
	struct ip_vs_dest *dest = NULL;
	struct ip_vs_kaff_svc *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (cid && dattr) {
		NL_SET_ERR_MSG_ATTR(info->extack, cid,
				    "flush by dest or by call-id, not both");
		return -EINVAL;
	}
	if (cid) {
		ret = ip_vs_udp_nl_parse_callid(cid, info->extack);
		if (ret)
			return ret;
	}
	if (dattr) {
		ret = ip_vs_udp_nl_parse_dest(dattr, &dk, info->extack);
		if (ret)
			return ret;
	}
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_BINDING_FLUSH, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&ip_vs_sip_class.mutex);
	s = ip_vs_sip_nl_svc(info);
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
		dest = ip_vs_sip_nl_tdest(rcu_dereference(s->table), &dk);
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
		/* one Call-ID: one hash lookup, no walk */
		m.count = ip_vs_kaff_unbind_key(s, nla_data(cid), nla_len(cid));
	} else {
		ip_vs_kaff_walk(s, ip_vs_sip_nl_pick, (unsigned long)&m);
	}
	if (dest)
		ip_vs_dest_put(dest);
	if (m.count && ip_vs_udp_nl_want_events(s->net))
		ip_vs_sip_nl_event(s, dattr ? &dk : NULL,
				   IPVS_UDP_EVENT_REASON_FLUSHED, m.count);
	mutex_unlock(&ip_vs_sip_class.mutex);
	if (nla_put_u32(msg, IPVS_UDP_A_SIP_COUNT, m.count)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	mutex_unlock(&ip_vs_sip_class.mutex);
	nlmsg_free(msg);
	return ret;
}

/**
 * ip_vs_sip_nl_dest_event - tell listeners a real server's calls move
 * @s: the service
 * @dest: the real server, removed or quiesced (identity; its address is
 *	  still readable: IPVS keeps it until a grace period after this)
 * @reason: IPVS_UDP_EVENT_REASON_DEST_REMOVED or _DEST_QUIESCED
 *
 * Process context (IPVS calls the scheduler's del_dest and upd_dest with
 * its service mutex held). Walks the bindings only when someone listens.
 */
void ip_vs_sip_nl_dest_event(struct ip_vs_kaff_svc *s,
			     const struct ip_vs_dest *dest, u32 reason)
{
	struct ip_vs_sip_nl_match m = { .dest = dest };
	struct ip_vs_udp_nl_dest_key dk = {
		.addr	= dest->addr,
		.port	= dest->port,
		.af	= dest->af,
	};

	if (!s->net || !ip_vs_udp_nl_want_events(s->net))
		return;
	ip_vs_kaff_walk(s, ip_vs_sip_nl_pick, (unsigned long)&m);
	ip_vs_sip_nl_event(s, &dk, reason, m.count);
}

static int ip_vs_sip_nl_counters(struct sk_buff *msg, struct net *net,
				 const struct ip_vs_udp_nl_svc_key *filter,
				 struct netlink_ext_ack *extack)
{
	struct ip_vs_kaff_svc *s;
	struct nlattr *nest;
	int ret = 0;

	mutex_lock(&ip_vs_sip_class.mutex);
	list_for_each_entry(s, &ip_vs_sip_class.services, list) {
		if (!s->svc || !net_eq(s->net, net))
			continue;
		if (filter && !ip_vs_udp_nl_svc_match(filter, s->svc))
			continue;
		nest = nla_nest_start(msg, IPVS_UDP_A_COUNTERS_SIP);
		if (!nest ||
		    ip_vs_sip_nl_put_svc(msg, IPVS_UDP_A_SIP_SERVICE_SERVICE, s) ||
		    ip_vs_sip_nl_put_counters(msg, IPVS_UDP_A_SIP_SERVICE_COUNTERS,
					      s)) {
			ret = -EMSGSIZE;
			break;
		}
		nla_nest_end(msg, nest);
	}
	mutex_unlock(&ip_vs_sip_class.mutex);
	return ret;
}

const struct ip_vs_udp_nl_provider ip_vs_sip_nl_provider = {
	.doit	= {
		[IPVS_UDP_CMD_SIP_GET]		= ip_vs_sip_nl_get,
		[IPVS_UDP_CMD_SIP_SET]		= ip_vs_sip_nl_set,
		[IPVS_UDP_CMD_BINDING_GET]	= ip_vs_sip_nl_binding_get,
		[IPVS_UDP_CMD_BINDING_FLUSH]	= ip_vs_sip_nl_binding_flush,
	},
	.dumpit	= {
		[IPVS_UDP_CMD_BINDING_GET]	= ip_vs_sip_nl_binding_dump,
	},
	.counters = ip_vs_sip_nl_counters,
};
EXPORT_SYMBOL_GPL(ip_vs_sip_nl_provider);
