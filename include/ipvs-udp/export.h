// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What libipvs-udp.so exports: the library is built with hidden visibility,
// and IPVS_UDP_API marks its public interface (debian/libipvs-udp0.symbols
// lists it).
#pragma once

#if defined(__GNUC__)
#define IPVS_UDP_API __attribute__((visibility("default")))
#else
#define IPVS_UDP_API
#endif
