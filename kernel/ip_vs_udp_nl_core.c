// SPDX-License-Identifier: GPL-2.0
/*
 * ip_vs_udp_nl: the "ipvs_udp" generic netlink family (netlink/ipvs_udp.yaml,
 * docs/netlink.md).
 *
 * This module registers the family and nothing else: no scheduler, no
 * netfilter hook. Resolving the family name autoloads it
 * (MODULE_ALIAS_GENL_FAMILY). The operations are served by the feature
 * modules, which register a provider here when they load; an operation of
 * a module that is not loaded fails with "<module> not loaded" in the
 * extack. A provider's module is referenced while its handler runs, so it
 * cannot unload under a request; dumps keep no pointer between messages.
 *
 * The attribute policies and the op table are generated from the spec by
 * the kernel's ynl-gen-c.py (ip_vs_udp_nl_gen.c). Every operation that
 * changes something has GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN in the user
 * namespace that owns the caller's network namespace. The family is
 * netns-aware: every operation acts on the caller's network namespace.
 */
#define KMSG_COMPONENT "IPVS"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <net/ip_vs.h>
#include <kunit/visibility.h>

#include "ip_vs_udp_nl.h"
#include "ip_vs_udp_nl_gen.h"

static const struct ip_vs_udp_nl_provider __rcu *
	ip_vs_udp_nl_provs[IP_VS_UDP_NL_NPROV];
static DEFINE_MUTEX(ip_vs_udp_nl_mutex);

static const char * const ip_vs_udp_nl_prov_names[IP_VS_UDP_NL_NPROV] = {
	[IP_VS_UDP_NL_SIP]	= "ip_vs_sip not loaded (modprobe ip_vs_sip)",
	[IP_VS_UDP_NL_REPLY]	= "ip_vs_pe_reply not loaded (modprobe ip_vs_pe_reply)",
	[IP_VS_UDP_NL_ICMP_VIP]	= "ip_vs_icmp_vip not loaded (modprobe ip_vs_icmp_vip)",
};

static const struct genl_multicast_group ip_vs_udp_nl_groups[] = {
	[IPVS_UDP_NLGRP_EVENTS] = { .name = IPVS_UDP_MCGRP_EVENTS, },
};

static struct genl_family ip_vs_udp_nl_family __ro_after_init = {
	.name		= IPVS_UDP_FAMILY_NAME,
	.version	= IPVS_UDP_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= ipvs_udp_nl_ops,
	.n_ops		= ARRAY_SIZE(ipvs_udp_nl_ops),
	/* reserved header fields must be zero for every operation */
	.resv_start_op	= 1,
	.mcgrps		= ip_vs_udp_nl_groups,
	.n_mcgrps	= ARRAY_SIZE(ip_vs_udp_nl_groups),
};

/**
 * ip_vs_udp_nl_register - serve the operations of a feature module
 * @id: which module
 * @p: its handlers, alive until ip_vs_udp_nl_unregister()
 *
 * Return: 0, or -EBUSY when @id has a provider already.
 */
int ip_vs_udp_nl_register(enum ip_vs_udp_nl_prov id,
			  const struct ip_vs_udp_nl_provider *p)
{
	int ret = 0;

	if (WARN_ON(id >= IP_VS_UDP_NL_NPROV))
		return -EINVAL;
	mutex_lock(&ip_vs_udp_nl_mutex);
	if (rcu_access_pointer(ip_vs_udp_nl_provs[id]))
		ret = -EBUSY;
	else
		rcu_assign_pointer(ip_vs_udp_nl_provs[id], p);
	mutex_unlock(&ip_vs_udp_nl_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_register);

/* Stop serving; returns once no new call can start. */
void ip_vs_udp_nl_unregister(enum ip_vs_udp_nl_prov id)
{
	if (WARN_ON(id >= IP_VS_UDP_NL_NPROV))
		return;
	mutex_lock(&ip_vs_udp_nl_mutex);
	RCU_INIT_POINTER(ip_vs_udp_nl_provs[id], NULL);
	mutex_unlock(&ip_vs_udp_nl_mutex);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_unregister);

/* NL_SET_ERR_MSG() for a message chosen at run time (all static) */
static void ip_vs_udp_nl_not_loaded(struct netlink_ext_ack *extack,
				    enum ip_vs_udp_nl_prov id)
{
	if (extack)
		extack->_msg = ip_vs_udp_nl_prov_names[id];
}

/* The provider of @id with a reference on its module, or NULL. */
static const struct ip_vs_udp_nl_provider *
ip_vs_udp_nl_get(enum ip_vs_udp_nl_prov id)
{
	const struct ip_vs_udp_nl_provider *p;

	rcu_read_lock();
	p = rcu_dereference(ip_vs_udp_nl_provs[id]);
	if (p && !try_module_get(p->owner))
		p = NULL;
	rcu_read_unlock();
	return p;
}

static int ip_vs_udp_nl_do(enum ip_vs_udp_nl_prov id, struct sk_buff *skb,
			   struct genl_info *info)
{
	const struct ip_vs_udp_nl_provider *p = ip_vs_udp_nl_get(id);
	u8 cmd = info->genlhdr->cmd;
	int ret;

	if (!p) {
		ip_vs_udp_nl_not_loaded(info->extack, id);
		return -EOPNOTSUPP;
	}
	if (p->doit[cmd]) {
		ret = p->doit[cmd](skb, info);
	} else {
		GENL_SET_ERR_MSG(info, "operation not supported");
		ret = -EOPNOTSUPP;
	}
	module_put(p->owner);
	return ret;
}

static int ip_vs_udp_nl_dump(enum ip_vs_udp_nl_prov id, struct sk_buff *skb,
			     struct netlink_callback *cb)
{
	const struct ip_vs_udp_nl_provider *p = ip_vs_udp_nl_get(id);
	u8 cmd = genl_dumpit_info(cb)->op.cmd;
	int ret;

	if (!p) {
		ip_vs_udp_nl_not_loaded(cb->extack, id);
		return -EOPNOTSUPP;
	}
	if (p->dumpit[cmd]) {
		ret = p->dumpit[cmd](skb, cb);
	} else {
		NL_SET_ERR_MSG(cb->extack, "operation not supported");
		ret = -EOPNOTSUPP;
	}
	module_put(p->owner);
	return ret;
}

int ipvs_udp_nl_sip_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_SIP, skb, info);
}

int ipvs_udp_nl_sip_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_SIP, skb, info);
}

int ipvs_udp_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_SIP, skb, info);
}

int ipvs_udp_nl_binding_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return ip_vs_udp_nl_dump(IP_VS_UDP_NL_SIP, skb, cb);
}

int ipvs_udp_nl_binding_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_SIP, skb, info);
}

int ipvs_udp_nl_reply_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_REPLY, skb, info);
}

int ipvs_udp_nl_reply_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_REPLY, skb, info);
}

int ipvs_udp_nl_reply_dest_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_REPLY, skb, info);
}

int ipvs_udp_nl_reply_dest_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	return ip_vs_udp_nl_dump(IP_VS_UDP_NL_REPLY, skb, cb);
}

/* Counters of every loaded module; a module not loaded adds nothing. */
int ipvs_udp_nl_counters_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ip_vs_udp_nl_svc_key filter, *f = NULL;
	const struct ip_vs_udp_nl_provider *p;
	struct sk_buff *msg;
	void *hdr;
	int id, ret;

	if (info->attrs[IPVS_UDP_A_COUNTERS_SERVICE]) {
		ret = ip_vs_udp_nl_parse_service(info->attrs[IPVS_UDP_A_COUNTERS_SERVICE],
						 &filter, info->extack);
		if (ret)
			return ret;
		f = &filter;
	}
	msg = ip_vs_udp_nl_reply_new(info, IPVS_UDP_CMD_COUNTERS_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	for (id = 0; id < IP_VS_UDP_NL_NPROV; id++) {
		p = ip_vs_udp_nl_get(id);
		if (!p)
			continue;
		ret = p->counters ? p->counters(msg, genl_info_net(info), f,
						info->extack) : 0;
		module_put(p->owner);
		if (ret) {
			nlmsg_free(msg);
			if (ret == -EMSGSIZE)
				GENL_SET_ERR_MSG(info, "counters too large for one message");
			return ret;
		}
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static bool ip_vs_udp_nl_af_ok(const struct nlattr *a,
			       struct netlink_ext_ack *extack)
{
	u16 af = nla_get_u16(a);

	if (af == AF_INET || af == AF_INET6)
		return true;
	NL_SET_ERR_MSG_ATTR(extack, a, "address family must be AF_INET or AF_INET6");
	return false;
}

/*
 * An address attribute: 4 bytes for AF_INET, 16 for AF_INET6; AF_INET
 * also takes IPVS's 16-byte union nf_inet_addr (ipvsadm sends that).
 */
static int ip_vs_udp_nl_addr(const struct nlattr *a, u16 af,
			     union nf_inet_addr *addr,
			     struct netlink_ext_ack *extack)
{
	int len = nla_len(a);

	memset(addr, 0, sizeof(*addr));
	if (af == AF_INET && (len == 4 || len == 16)) {
		memcpy(&addr->ip, nla_data(a), 4);
		return 0;
	}
	if (af == AF_INET6 && len == 16) {
		memcpy(&addr->in6, nla_data(a), 16);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "address must be 4 (AF_INET) or 16 bytes (AF_INET6)");
	return -EINVAL;
}

/**
 * ip_vs_udp_nl_parse_service - a service attribute to a key
 * @nest: the nest (already validated against ipvs_udp_service_nl_policy)
 * @k: result
 * @extack: error message
 *
 * As IPVS: af and fwmark, or af, protocol, addr and port.
 *
 * Return: 0 or -EINVAL with @extack set.
 */
int ip_vs_udp_nl_parse_service(const struct nlattr *nest,
			       struct ip_vs_udp_nl_svc_key *k,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPVS_UDP_A_SERVICE_MAX + 1];
	int ret;

	memset(k, 0, sizeof(*k));
	ret = nla_parse_nested(tb, IPVS_UDP_A_SERVICE_MAX, nest,
			       ipvs_udp_service_nl_policy, extack);
	if (ret)
		return ret;
	if (!tb[IPVS_UDP_A_SERVICE_AF]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service: af missing");
		return -EINVAL;
	}
	if (!ip_vs_udp_nl_af_ok(tb[IPVS_UDP_A_SERVICE_AF], extack))
		return -EINVAL;
	k->af = nla_get_u16(tb[IPVS_UDP_A_SERVICE_AF]);
	if (tb[IPVS_UDP_A_SERVICE_FWMARK]) {
		k->fwmark = nla_get_u32(tb[IPVS_UDP_A_SERVICE_FWMARK]);
		if (!k->fwmark) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_UDP_A_SERVICE_FWMARK],
					    "service: fwmark must not be 0");
			return -EINVAL;
		}
		if (tb[IPVS_UDP_A_SERVICE_ADDR] || tb[IPVS_UDP_A_SERVICE_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "service: fwmark excludes addr and port");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[IPVS_UDP_A_SERVICE_PROTOCOL] || !tb[IPVS_UDP_A_SERVICE_ADDR] ||
	    !tb[IPVS_UDP_A_SERVICE_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service: fwmark, or protocol, addr and port needed");
		return -EINVAL;
	}
	k->protocol = nla_get_u16(tb[IPVS_UDP_A_SERVICE_PROTOCOL]);
	k->port = nla_get_be16(tb[IPVS_UDP_A_SERVICE_PORT]);
	return ip_vs_udp_nl_addr(tb[IPVS_UDP_A_SERVICE_ADDR], k->af, &k->addr,
				 extack);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_parse_service);

/* A dest attribute (af, addr, port, all needed) to a key. */
int ip_vs_udp_nl_parse_dest(const struct nlattr *nest,
			    struct ip_vs_udp_nl_dest_key *k,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPVS_UDP_A_DEST_MAX + 1];
	int ret;

	memset(k, 0, sizeof(*k));
	ret = nla_parse_nested(tb, IPVS_UDP_A_DEST_MAX, nest,
			       ipvs_udp_dest_nl_policy, extack);
	if (ret)
		return ret;
	if (!tb[IPVS_UDP_A_DEST_AF] || !tb[IPVS_UDP_A_DEST_ADDR] ||
	    !tb[IPVS_UDP_A_DEST_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "dest: af, addr and port needed");
		return -EINVAL;
	}
	if (!ip_vs_udp_nl_af_ok(tb[IPVS_UDP_A_DEST_AF], extack))
		return -EINVAL;
	k->af = nla_get_u16(tb[IPVS_UDP_A_DEST_AF]);
	k->port = nla_get_be16(tb[IPVS_UDP_A_DEST_PORT]);
	return ip_vs_udp_nl_addr(tb[IPVS_UDP_A_DEST_ADDR], k->af, &k->addr,
				 extack);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_parse_dest);

/* A Call-ID attribute: 1 to IPVS_UDP_CALLID_MAX bytes. Return: 0 or -EINVAL */
int ip_vs_udp_nl_parse_callid(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	if (nla_len(attr) < 1 || nla_len(attr) > IPVS_UDP_CALLID_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "call-id must be 1 to 255 bytes");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_parse_callid);

void ip_vs_udp_nl_svc_key_of(const struct ip_vs_service *svc,
			     struct ip_vs_udp_nl_svc_key *k)
{
	memset(k, 0, sizeof(*k));
	k->af = svc->af;
	if (svc->fwmark) {
		k->fwmark = svc->fwmark;
		return;
	}
	k->protocol = svc->protocol;
	k->port = svc->port;
	ip_vs_addr_copy(svc->af, &k->addr, &svc->addr);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_svc_key_of);

/* Is @svc the service @k names? Keys as IPVS hashes its services. */
bool ip_vs_udp_nl_svc_match(const struct ip_vs_udp_nl_svc_key *k,
			    const struct ip_vs_service *svc)
{
	if (svc->af != k->af)
		return false;
	if (k->fwmark || svc->fwmark)
		return svc->fwmark == k->fwmark;
	return svc->protocol == k->protocol && svc->port == k->port &&
	       ip_vs_addr_equal(k->af, &svc->addr, &k->addr);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_svc_match);

/* A total order of service keys, for dumps that resume after a key. */
int ip_vs_udp_nl_svc_key_cmp(const struct ip_vs_udp_nl_svc_key *a,
			     const struct ip_vs_udp_nl_svc_key *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	if (a->port != b->port)
		return ntohs(a->port) < ntohs(b->port) ? -1 : 1;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_svc_key_cmp);

bool ip_vs_udp_nl_dest_match(const struct ip_vs_udp_nl_dest_key *k,
			     const struct ip_vs_dest *d)
{
	return d->af == k->af && d->port == k->port &&
	       ip_vs_addr_equal(k->af, &d->addr, &k->addr);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_dest_match);

static int ip_vs_udp_nl_put_addr(struct sk_buff *skb, int type, int af,
				 const union nf_inet_addr *addr)
{
	if (af == AF_INET6)
		return nla_put(skb, type, 16, &addr->in6);
	return nla_put_in_addr(skb, type, addr->ip);
}

int ip_vs_udp_nl_put_service(struct sk_buff *skb, int attrtype,
			     const struct ip_vs_udp_nl_svc_key *k)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, IPVS_UDP_A_SERVICE_AF, k->af))
		goto err;
	if (k->fwmark) {
		if (nla_put_u32(skb, IPVS_UDP_A_SERVICE_FWMARK, k->fwmark))
			goto err;
	} else if (nla_put_u16(skb, IPVS_UDP_A_SERVICE_PROTOCOL, k->protocol) ||
		   ip_vs_udp_nl_put_addr(skb, IPVS_UDP_A_SERVICE_ADDR, k->af,
					 &k->addr) ||
		   nla_put_be16(skb, IPVS_UDP_A_SERVICE_PORT, k->port)) {
		goto err;
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_put_service);

int ip_vs_udp_nl_put_dest(struct sk_buff *skb, int attrtype, int af,
			  const union nf_inet_addr *addr, __be16 port)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, IPVS_UDP_A_DEST_AF, af) ||
	    ip_vs_udp_nl_put_addr(skb, IPVS_UDP_A_DEST_ADDR, af, addr) ||
	    nla_put_be16(skb, IPVS_UDP_A_DEST_PORT, port)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_put_dest);

void *ip_vs_udp_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq,
			   int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &ip_vs_udp_nl_family, flags, cmd);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_put_hdr);

/* A reply message for @info with its header; NULL without memory. */
struct sk_buff *ip_vs_udp_nl_reply_new(struct genl_info *info, u8 cmd,
				       void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			   &ip_vs_udp_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_reply_new);

/* Does anyone in @net listen to the events? */
bool ip_vs_udp_nl_listening(struct net *net)
{
	return genl_has_listeners(&ip_vs_udp_nl_family, net,
				  IPVS_UDP_NLGRP_EVENTS);
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_listening);

/**
 * ip_vs_udp_nl_notify - send an event to the "events" group of @net
 * @net: network namespace
 * @ev: what happened
 * @gfp: GFP_KERNEL in process context, GFP_ATOMIC elsewhere
 *
 * Return: 0, -ESRCH without listeners, or another negative errno.
 */
int ip_vs_udp_nl_notify(struct net *net, const struct ip_vs_udp_nl_event *ev,
			gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	if (!ip_vs_udp_nl_listening(net))
		return -ESRCH;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &ip_vs_udp_nl_family, 0,
			  IPVS_UDP_CMD_DEST_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, IPVS_UDP_A_EVENT_REASON, ev->reason) ||
	    (ev->svc &&
	     ip_vs_udp_nl_put_service(msg, IPVS_UDP_A_EVENT_SERVICE, ev->svc)) ||
	    (ev->daddr &&
	     ip_vs_udp_nl_put_dest(msg, IPVS_UDP_A_EVENT_DEST, ev->daf,
				   ev->daddr, ev->dport)) ||
	    nla_put_u32(msg, IPVS_UDP_A_EVENT_BINDINGS, ev->bindings) ||
	    nla_put_u64_64bit(msg, IPVS_UDP_A_EVENT_TIMEOUTS, ev->timeouts,
			      IPVS_UDP_A_EVENT_PAD) ||
	    nla_put_u32(msg, IPVS_UDP_A_EVENT_THRESHOLD, ev->threshold))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&ip_vs_udp_nl_family, net, msg, 0,
				       IPVS_UDP_NLGRP_EVENTS, gfp);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
EXPORT_SYMBOL_GPL(ip_vs_udp_nl_notify);

static int __init ip_vs_udp_nl_init(void)
{
	return genl_register_family(&ip_vs_udp_nl_family);
}

static void __exit ip_vs_udp_nl_exit(void)
{
	genl_unregister_family(&ip_vs_udp_nl_family);
}

module_init(ip_vs_udp_nl_init);
module_exit(ip_vs_udp_nl_exit);
MODULE_DESCRIPTION("ipvs_udp generic netlink family for the ipvs-udp IPVS modules");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(IPVS_UDP_FAMILY_NAME);
