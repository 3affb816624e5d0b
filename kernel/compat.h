/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipvs-udp: the differences between the kernels we build for (Debian 12's
 * 6.1, its 6.12 backports, the UML test kernel, Debian's newest), in one
 * place.
 *
 * Every difference is detected by what the kernel headers provide, never by
 * LINUX_VERSION_CODE, so that distribution kernels with backports get the
 * right variant (kernel/Kbuild.probes greps the headers where a macro test
 * cannot tell). Include it after the kernel headers it tests.
 */
#ifndef IPVS_UDP_COMPAT_H
#define IPVS_UDP_COMPAT_H

#include <net/net_namespace.h>

/*
 * Before 6.6 a sysctl table ends with an empty sentinel entry; from 6.6 on
 * it is registered with its size, register_net_sysctl() became a macro
 * around register_net_sysctl_sz(), and sentinels may go. @n counts the
 * entries without the sentinel; callers keep a zeroed sentinel after them
 * so that the table is valid for both variants.
 */
#ifdef register_net_sysctl
#define ipvs_udp_register_net_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define ipvs_udp_register_net_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/*
 * From 6.2 on a dump's parsed attributes live in an embedded struct
 * genl_info (genl_dumpit_info(cb)->info.attrs), before that directly in
 * struct genl_dumpit_info. kernel/Kbuild probes the header and defines
 * IPVS_UDP_GENL_DUMPIT_INFO_HAS_INFO where the new layout is found.
 */
#define ipvs_udp_genl_dump_attrs(cb) \
	(ipvs_udp_genl_dump_attrs_(genl_dumpit_info(cb)))
#ifdef IPVS_UDP_GENL_DUMPIT_INFO_HAS_INFO
#define ipvs_udp_genl_dump_attrs_(di) ((di)->info.attrs)
#else
#define ipvs_udp_genl_dump_attrs_(di) ((di)->attrs)
#endif

/*
 * A generic netlink multicast group can require CAP_NET_ADMIN in the user
 * namespace owning the network namespace (GENL_MCAST_CAP_NET_ADMIN,
 * checked by genl_bind() when a socket joins) from 6.7 on, and in the
 * 6.1 and 6.6 stable kernels that took that fix (Debian 12's do). Before
 * it, struct genl_multicast_group has no flags and anyone may join:
 * IPVS_UDP_HAVE_GENL_MCAST_CAP is then not defined.
 */
#include <net/genetlink.h>
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define IPVS_UDP_HAVE_GENL_MCAST_CAP
#endif

/*
 * MODULE_IMPORT_NS() takes a string from 6.13 on and a bare name before;
 * the modinfo entry both emit is this one. For the KUnit and bench
 * modules, which use symbols exported for KUnit.
 */
#include <linux/module.h>
#define IPVS_UDP_IMPORT_KUNIT_NS() \
	MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING")

/*
 * IPVS counts the services whose persistence engine handles conn_out per
 * address family from 7.1 on (conn_out_counter[IP_VS_AF_MAX], indexed by
 * ip_vs_af_index()), and calls conn_out only for the family counted; once
 * per namespace before. IPVS_UDP_CONN_OUT_PER_AF: Kbuild.probes found the
 * array. Needs <net/ip_vs.h>.
 */
#ifdef IPVS_UDP_CONN_OUT_PER_AF
#define ipvs_udp_conn_out_count(ipvs, af) \
	atomic_read(&(ipvs)->conn_out_counter[ip_vs_af_index(af)])
#else
#define ipvs_udp_conn_out_count(ipvs, af) \
	atomic_read(&(ipvs)->conn_out_counter)
#endif

/*
 * IPv4 route lookups take the DSCP (flowi4_dscp, a dscp_t) from 6.18 on,
 * the TOS byte (flowi4_tos) before. IPVS_UDP_FLOWI4_DSCP: Kbuild.probes
 * found flowi4_dscp. Needs <net/flow.h> and <net/route.h>.
 */
#ifdef IPVS_UDP_FLOWI4_DSCP
#define ipvs_udp_flowi4_set_tos(fl4, tos) \
	((fl4)->flowi4_dscp = inet_dsfield_to_dscp(tos))
#else
#define ipvs_udp_flowi4_set_tos(fl4, tos) \
	((fl4)->flowi4_tos = RT_TOS(tos))
#endif

#endif /* IPVS_UDP_COMPAT_H */
