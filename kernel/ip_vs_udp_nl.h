/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ipvs_udp generic netlink family (ip_vs_udp_nl.ko) and the interface
 * the feature modules (ip_vs_kaff with ip_vs_sip and ip_vs_radius,
 * ip_vs_pe_reply, ip_vs_icmp_vip) use to
 * serve its operations. Not a stable interface; the uapi is
 * include/uapi/linux/ipvs_udp.h, generated from netlink/ipvs_udp.yaml.
 *
 * The family module registers the family only: no scheduler, no hook. A
 * feature module exports a provider that the family module takes by
 * symbol; an operation whose provider is not loaded fails with
 * "<module> not loaded" in the extack.
 */
#ifndef IP_VS_UDP_NL_H
#define IP_VS_UDP_NL_H

#include <linux/module.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/ip_vs.h>
#include <linux/ipvs_udp.h>

/* A virtual service as IPVS addresses it. */
struct ip_vs_udp_nl_svc_key {
	union nf_inet_addr	addr;	/* unused bytes zero */
	u32			fwmark;	/* 0: by protocol, address, port */
	__be16			port;
	u16			protocol;
	u16			af;
};

/* A real server. */
struct ip_vs_udp_nl_dest_key {
	union nf_inet_addr	addr;	/* unused bytes zero */
	__be16			port;
	u16			af;
};

enum ip_vs_udp_nl_prov {
	IP_VS_UDP_NL_SIP,
	IP_VS_UDP_NL_REPLY,
	IP_VS_UDP_NL_ICMP_VIP,
	IP_VS_UDP_NL_RADIUS,
	IP_VS_UDP_NL_KAFF,	/* bindings of every keyed-affinity service */
	IP_VS_UDP_NL_NPROV
};

/*
 * What a feature module serves, exported under the names below and taken
 * by the family module with symbol_get() for each request. The handlers
 * get the generic netlink arguments unchanged (attributes validated
 * against the generated policies).
 */
struct ip_vs_udp_nl_provider {
	int (*doit[IPVS_UDP_CMD_MAX + 1])(struct sk_buff *skb,
					  struct genl_info *info);
	int (*dumpit[IPVS_UDP_CMD_MAX + 1])(struct sk_buff *skb,
					    struct netlink_callback *cb);
	/* counters-get: nest this module's counters of @net into @msg */
	int (*counters)(struct sk_buff *msg, struct net *net,
			const struct ip_vs_udp_nl_svc_key *filter,
			struct netlink_ext_ack *extack);
};

/*
 * The providers' symbols carry the layout of struct ip_vs_udp_nl_provider
 * in their "_v2" suffix: a family module and a feature module built from
 * different layouts (a command added: IPVS_UDP_CMD_MAX grows) do not find
 * each other, and the operation reports the module as not loaded, where a
 * mismatch would call through the wrong slot. Bump the suffix in every
 * name, and this check, with the layout.
 */
static_assert(IPVS_UDP_CMD_MAX == 11,
	      "struct ip_vs_udp_nl_provider changed: rename the providers (_v2 -> _v3)");

extern const struct ip_vs_udp_nl_provider ip_vs_sip_nl_provider_v2;
extern const struct ip_vs_udp_nl_provider ip_vs_pe_reply_nl_provider_v2;
extern const struct ip_vs_udp_nl_provider ip_vs_icmp_vip_nl_provider_v2;
extern const struct ip_vs_udp_nl_provider ip_vs_radius_nl_provider_v2;
extern const struct ip_vs_udp_nl_provider ip_vs_kaff_nl_provider_v2;

/* ip_vs_udp_nl_attr.c, linked into every module that uses it */
int ip_vs_udp_nl_parse_service(const struct nlattr *nest,
			       struct ip_vs_udp_nl_svc_key *k,
			       struct netlink_ext_ack *extack);
int ip_vs_udp_nl_parse_dest(const struct nlattr *nest,
			    struct ip_vs_udp_nl_dest_key *k,
			    struct netlink_ext_ack *extack);
int ip_vs_udp_nl_parse_callid(const struct nlattr *attr,
			      struct netlink_ext_ack *extack);
void ip_vs_udp_nl_svc_key_of(const struct ip_vs_service *svc,
			     struct ip_vs_udp_nl_svc_key *k);
bool ip_vs_udp_nl_svc_match(const struct ip_vs_udp_nl_svc_key *k,
			    const struct ip_vs_service *svc);
int ip_vs_udp_nl_svc_key_cmp(const struct ip_vs_udp_nl_svc_key *a,
			     const struct ip_vs_udp_nl_svc_key *b);
bool ip_vs_udp_nl_dest_match(const struct ip_vs_udp_nl_dest_key *k,
			     const struct ip_vs_dest *d);
int ip_vs_udp_nl_put_service(struct sk_buff *skb, int attrtype,
			     const struct ip_vs_udp_nl_svc_key *k);
int ip_vs_udp_nl_put_dest(struct sk_buff *skb, int attrtype, int af,
			  const union nf_inet_addr *addr, __be16 port);

/*
 * A message header of the family whose id is @type (the request's
 * nlmsg_type): genlmsg_put() without the family struct.
 */
static inline void *ip_vs_udp_nl_put_hdr(struct sk_buff *skb, u32 portid,
					 u32 seq, u16 type, int flags, u8 cmd)
{
	struct genlmsghdr *hdr;
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, portid, seq, type, GENL_HDRLEN, flags);
	if (!nlh)
		return NULL;
	hdr = nlmsg_data(nlh);
	hdr->cmd = cmd;
	hdr->version = IPVS_UDP_FAMILY_VERSION;
	hdr->reserved = 0;
	return (char *)hdr + GENL_HDRLEN;
}

/* A reply message for @info with its header; NULL without memory. */
static inline struct sk_buff *ip_vs_udp_nl_reply_new(struct genl_info *info,
						     u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = ip_vs_udp_nl_put_hdr(msg, info->snd_portid, info->snd_seq,
				    info->nlhdr->nlmsg_type, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * A required attribute: true (with the missing-attribute report and @msg
 * in the extack) when it is absent.
 */
#define IP_VS_UDP_NL_REQUIRE(info, attr, msg) ({			\
	struct genl_info *__i = (info);					\
	bool __miss = GENL_REQ_ATTR_CHECK(__i, attr);			\
									\
	if (__miss)							\
		GENL_SET_ERR_MSG(__i, msg);				\
	__miss;								\
})

/* Events (multicast group "events"). */
struct ip_vs_udp_nl_event {
	u32					reason;	/* IPVS_UDP_EVENT_REASON_* */
	const struct ip_vs_udp_nl_svc_key	*svc;	/* or NULL */
	const union nf_inet_addr		*daddr;
	__be16					dport;
	u16					daf;
	u32					bindings;
	u64					timeouts;
	u32					threshold;
};

/* ip_vs_udp_nl_core.c, exported; the feature modules use the wrappers */
bool ip_vs_udp_nl_listening(struct net *net);
int ip_vs_udp_nl_notify(struct net *net, const struct ip_vs_udp_nl_event *ev,
			gfp_t gfp);

/* Does anyone listen to the events of @net? False without the family. */
static inline bool ip_vs_udp_nl_want_events(struct net *net)
{
	bool (*listening)(struct net *net) =
		symbol_get(ip_vs_udp_nl_listening);
	bool ret;

	if (!listening)
		return false;
	ret = listening(net);
	symbol_put(ip_vs_udp_nl_listening);
	return ret;
}

/* Send an event if the family module is loaded. */
static inline void ip_vs_udp_nl_send_event(struct net *net,
					   const struct ip_vs_udp_nl_event *ev,
					   gfp_t gfp)
{
	int (*notify)(struct net *net, const struct ip_vs_udp_nl_event *ev,
		      gfp_t gfp) = symbol_get(ip_vs_udp_nl_notify);

	if (!notify)
		return;
	notify(net, ev, gfp);
	symbol_put(ip_vs_udp_nl_notify);
}

#endif /* IP_VS_UDP_NL_H */
