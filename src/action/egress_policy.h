#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sockaddr;

namespace vakt::action {

// IpAddress is an IPv4 or IPv6 address as bytes. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
// normalised to IPv4, so a rule or a deny range cannot be sidestepped by spelling.
struct IpAddress {
  bool is_v4 = true;
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4

  // Parse reads a numeric address ("10.0.0.1", "::1"); InvalidArgument otherwise.
  static Result<IpAddress> Parse(std::string_view text);
  // FromSockaddr reads AF_INET / AF_INET6; InvalidArgument for other families.
  static Result<IpAddress> FromSockaddr(const sockaddr* address);
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// EgressPolicy is the allow-list of where `http` actions may connect. Rules, one string each:
//
//   router.internal:8080      a host name as written in the URL, one port
//   *.flags.internal:443      any subdomain of flags.internal (not flags.internal itself)
//   10.20.0.0/16:*            any resolved address in the CIDR range, any port
//   127.0.0.1:18080, [::1]:80 a single address
//
// A connection is allowed iff its port matches and either its URL host matches a host rule or its
// resolved address falls in an address rule — and the resolved address is not in the always-denied
// ranges (link-local incl. cloud metadata 169.254.0.0/16 and fe80::/10, "this network" 0.0.0.0/8,
// unspecified ::, multicast, broadcast, fd00:ec2::254, 100.100.100.200). The deny ranges win over
// every rule, so a DNS answer pointing an allowed name at the metadata service is refused.
//
// Immutable after Parse; safe for concurrent use.
class EgressPolicy {
 public:
  // Parse validates every rule; InvalidArgument naming the bad rule.
  static Result<EgressPolicy> Parse(const std::vector<std::string>& rules);

  // Check decides one connection: `host` as in the URL (lower case, no brackets), the address it
  // resolved to and the port. PermissionDenied naming the reason when refused.
  Status Check(std::string_view host, const IpAddress& address, int port) const;

  // IsAlwaysDenied is true for the ranges no rule can open.
  static bool IsAlwaysDenied(const IpAddress& address);

 private:
  struct Rule {
    bool is_host = true;
    std::string host;  // lower case; "*.suffix" for subdomains
    IpAddress network;
    int prefix_len = 0;
    int port = 0;  // 0: any
  };
  std::vector<Rule> rules_;
};

}  // namespace vakt::action
