// SPDX-License-Identifier: GPL-2.0
/*
 * ip_vs_udp_nl: the "ipvs_udp" generic netlink family (netlink/ipvs_udp.yaml,
 * docs/netlink.md).
 *
 * This module registers the family and nothing else: no scheduler, no
 * netfilter hook. Resolving the family name autoloads it
 * (MODULE_ALIAS_GENL_FAMILY). The operations are served by the feature
 * modules, which export a provider (struct ip_vs_udp_nl_provider) that
 * this module takes with symbol_get() for each request: an operation of a
 * module that is not loaded fails with "<module> not loaded" in the
 * extack, and the module is referenced while its handler runs. No feature
 * module depends on this one: IPVS autoloads schedulers and engines from
 * its generic netlink handlers, which hold the genl cb_lock for reading
 * (and genl_lock before 7.1, when IPVS's family got parallel_ops), where
 * loading a module that registers a family (cb_lock for writing) would
 * deadlock. They send events through
 * symbol_get() too, only while this module is loaded. Dumps keep no
 * pointer between messages.
 *
 * The attribute policies and the op table are generated from the spec by
 * the kernel's ynl-gen-c.py (ip_vs_udp_nl_gen.c). Every operation, reads
 * and dumps included, has GENL_ADMIN_PERM (CAP_NET_ADMIN in the initial
 * user namespace), as every operation of IPVS's own family has: bindings
 * name Call-IDs, accounting and counters describe the traffic. The
 * "events" group needs CAP_NET_ADMIN in the user namespace owning the
 * network namespace where the kernel checks multicast group flags
 * (compat.h); the kernel has no stricter check for groups. The family is
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

#include "compat.h"
#include "ip_vs_udp_nl.h"
#include "ip_vs_udp_nl_gen.h"

static const char * const ip_vs_udp_nl_prov_names[IP_VS_UDP_NL_NPROV] = {
	[IP_VS_UDP_NL_SIP]	= "ip_vs_sip not loaded (modprobe ip_vs_sip)",
	[IP_VS_UDP_NL_REPLY]	= "ip_vs_pe_reply not loaded (modprobe ip_vs_pe_reply)",
	[IP_VS_UDP_NL_ICMP_VIP]	= "ip_vs_icmp_vip not loaded (modprobe ip_vs_icmp_vip)",
	[IP_VS_UDP_NL_RADIUS]	= "ip_vs_radius not loaded (modprobe ip_vs_radius)",
	[IP_VS_UDP_NL_KAFF]	= "ip_vs_sip, ip_vs_radius not loaded (modprobe ip_vs_sip)",
};

/*
 * Events name services and real servers: joining needs CAP_NET_ADMIN in
 * the user namespace owning the network namespace, where the kernel can
 * check it (genl_bind(); there is no initial-namespace variant for groups,
 * and a family cannot refuse a join itself). Without the check (older
 * kernels, IPVS_UDP_HAVE_GENL_MCAST_CAP undefined) anyone may join.
 */
static const struct genl_multicast_group ip_vs_udp_nl_groups[] = {
	[IPVS_UDP_NLGRP_EVENTS] = {
		.name	= IPVS_UDP_MCGRP_EVENTS,
#ifdef IPVS_UDP_HAVE_GENL_MCAST_CAP
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
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

/* NL_SET_ERR_MSG() for a message chosen at run time (all static) */
static void ip_vs_udp_nl_not_loaded(struct netlink_ext_ack *extack,
				    enum ip_vs_udp_nl_prov id)
{
	if (extack)
		extack->_msg = ip_vs_udp_nl_prov_names[id];
}

/*
 * The provider of @id with a reference on its module, or NULL when the
 * module is not loaded. By symbol: no feature module depends on this one.
 */
static const struct ip_vs_udp_nl_provider *
ip_vs_udp_nl_get(enum ip_vs_udp_nl_prov id)
{
	switch (id) {
	case IP_VS_UDP_NL_SIP:
		return symbol_get(ip_vs_sip_nl_provider_v2);
	case IP_VS_UDP_NL_REPLY:
		return symbol_get(ip_vs_pe_reply_nl_provider_v2);
	case IP_VS_UDP_NL_ICMP_VIP:
		return symbol_get(ip_vs_icmp_vip_nl_provider_v2);
	case IP_VS_UDP_NL_RADIUS:
		return symbol_get(ip_vs_radius_nl_provider_v2);
	case IP_VS_UDP_NL_KAFF:
		return symbol_get(ip_vs_kaff_nl_provider_v2);
	default:
		return NULL;
	}
}

static void ip_vs_udp_nl_put(enum ip_vs_udp_nl_prov id)
{
	switch (id) {
	case IP_VS_UDP_NL_SIP:
		symbol_put(ip_vs_sip_nl_provider_v2);
		break;
	case IP_VS_UDP_NL_REPLY:
		symbol_put(ip_vs_pe_reply_nl_provider_v2);
		break;
	case IP_VS_UDP_NL_ICMP_VIP:
		symbol_put(ip_vs_icmp_vip_nl_provider_v2);
		break;
	case IP_VS_UDP_NL_RADIUS:
		symbol_put(ip_vs_radius_nl_provider_v2);
		break;
	case IP_VS_UDP_NL_KAFF:
		symbol_put(ip_vs_kaff_nl_provider_v2);
		break;
	default:
		break;
	}
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
	ip_vs_udp_nl_put(id);
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
	ip_vs_udp_nl_put(id);
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
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_KAFF, skb, info);
}

int ipvs_udp_nl_binding_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	return ip_vs_udp_nl_dump(IP_VS_UDP_NL_KAFF, skb, cb);
}

int ipvs_udp_nl_binding_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_KAFF, skb, info);
}

int ipvs_udp_nl_radius_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_RADIUS, skb, info);
}

int ipvs_udp_nl_radius_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_udp_nl_do(IP_VS_UDP_NL_RADIUS, skb, info);
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

/*
 * Counters of every loaded module; a module not loaded adds nothing. One
 * message: it starts at NLMSG_DEFAULT_SIZE and grows fourfold up to
 * IP_VS_UDP_NL_COUNTERS_MAX when the services do not fit (about 210 bytes
 * per sip service, 290 per radius one: a few thousand services).
 */
#define IP_VS_UDP_NL_COUNTERS_MAX	(1024 * 1024)

int ipvs_udp_nl_counters_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ip_vs_udp_nl_svc_key filter, *f = NULL;
	const struct ip_vs_udp_nl_provider *p;
	size_t size = NLMSG_DEFAULT_SIZE;
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
again:
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = ip_vs_udp_nl_put_hdr(msg, info->snd_portid, info->snd_seq,
				   info->nlhdr->nlmsg_type, 0,
				   IPVS_UDP_CMD_COUNTERS_GET);
	if (!hdr) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	for (id = 0; id < IP_VS_UDP_NL_NPROV; id++) {
		p = ip_vs_udp_nl_get(id);
		if (!p)
			continue;
		ret = p->counters ? p->counters(msg, genl_info_net(info), f,
						info->extack) : 0;
		ip_vs_udp_nl_put(id);
		if (ret) {
			nlmsg_free(msg);
			if (ret == -EMSGSIZE && size < IP_VS_UDP_NL_COUNTERS_MAX) {
				size *= 4;
				goto again;
			}
			if (ret == -EMSGSIZE)
				GENL_SET_ERR_MSG(info, "counters too large for one message");
			return ret;
		}
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

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
