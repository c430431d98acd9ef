#include "action/egress_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "common/ascii.h"

namespace vakt::action {
namespace {

bool InNetwork(const IpAddress& address, const IpAddress& network, int prefix_len) {
  if (address.is_v4 != network.is_v4) return false;
  int full_bytes = prefix_len / 8;
  int rest_bits = prefix_len % 8;
  for (int idx = 0; idx < full_bytes; ++idx) {
    if (address.bytes[idx] != network.bytes[idx]) return false;
  }
  if (rest_bits == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest_bits));
  return (address.bytes[full_bytes] & mask) == (network.bytes[full_bytes] & mask);
}

IpAddress MustParse(const char* text) {
  auto parsed = IpAddress::Parse(text);
  return parsed.ok() ? *parsed : IpAddress{};
}

struct DeniedRange {
  IpAddress network;
  int prefix_len;
};

const std::vector<DeniedRange>& DeniedRanges() {
  static const std::vector<DeniedRange> kRanges = {
      {MustParse("169.254.0.0"), 16},      // link-local, cloud metadata
      {MustParse("0.0.0.0"), 8},           // "this network"; 0.0.0.0 reaches local services
      {MustParse("224.0.0.0"), 4},         // multicast
      {MustParse("255.255.255.255"), 32},  // broadcast
      {MustParse("100.100.100.200"), 32},  // Alibaba Cloud metadata
      {MustParse("fe80::"), 10},           // IPv6 link-local
      {MustParse("::"), 128},              // unspecified
      {MustParse("ff00::"), 8},            // IPv6 multicast
      {MustParse("fd00:ec2::254"), 128},   // AWS IPv6 metadata
  };
  return kRanges;
}

Result<int> ParsePort(std::string_view text) {
  if (text == "*") return 0;
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return Status::InvalidArgument("bad port '" + std::string(text) + "'");
  }
  return port;
}

bool ValidHostPattern(std::string_view host) {
  std::string_view name = host.starts_with("*.") ? host.substr(2) : host;
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

}  // namespace

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  std::string copy(text);
  IpAddress address;
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    std::memcpy(address.bytes.data(), &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(&v6, kMappedPrefix, 12) == 0) {
      std::memcpy(address.bytes.data(), reinterpret_cast<const std::uint8_t*>(&v6) + 12, 4);
      return address;
    }
    address.is_v4 = false;
    std::memcpy(address.bytes.data(), &v6, 16);
    return address;
  }
  return Status::InvalidArgument("'" + copy + "' is not a numeric IP address");
}

Result<IpAddress> IpAddress::FromSockaddr(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
  } else {
    return Status::InvalidArgument("not an IP socket address");
  }
  return Parse(text);
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4 ? AF_INET : AF_INET6, bytes.data(), text, sizeof(text));
  return text;
}

Result<EgressPolicy> EgressPolicy::Parse(const std::vector<std::string>& rules) {
  EgressPolicy policy;
  for (const auto& text : rules) {
    auto bad = [&text](const std::string& why) {
      return Status::InvalidArgument("egress rule '" + text + "': " + why);
    };
    std::string_view target;
    std::string_view port_text;
    if (text.starts_with("[")) {
      auto close = text.find(']');
      if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
        return bad("expected [address]:port");
      }
      target = std::string_view(text).substr(1, close - 1);
      port_text = std::string_view(text).substr(close + 2);
    } else {
      auto colon = text.rfind(':');
      if (colon == std::string::npos) return bad("expected host:port (port may be *)");
      target = std::string_view(text).substr(0, colon);
      port_text = std::string_view(text).substr(colon + 1);
    }
    auto port = ParsePort(port_text);
    if (!port.ok()) return bad(port.status().message());
    Rule rule;
    rule.port = *port;
    std::string_view address_text = target;
    int prefix_len = -1;
    if (auto slash = target.find('/'); slash != std::string_view::npos) {
      address_text = target.substr(0, slash);
      std::string_view len_text = target.substr(slash + 1);
      auto [end, error] =
          std::from_chars(len_text.data(), len_text.data() + len_text.size(), prefix_len);
      if (error != std::errc() || end != len_text.data() + len_text.size()) {
        return bad("bad prefix length");
      }
    }
    auto address = IpAddress::Parse(address_text);
    if (address.ok()) {
      int max_len = address->is_v4 ? 32 : 128;
      if (prefix_len == -1) prefix_len = max_len;
      if (prefix_len < 0 || prefix_len > max_len) return bad("prefix length out of range");
      rule.is_host = false;
      rule.network = *address;
      rule.prefix_len = prefix_len;
    } else {
      if (prefix_len != -1) return bad("CIDR needs a numeric address");
      if (!ValidHostPattern(target)) return bad("bad host name");
      rule.host = AsciiLower(target);
    }
    policy.rules_.push_back(std::move(rule));
  }
  return policy;
}

bool EgressPolicy::IsAlwaysDenied(const IpAddress& address) {
  return std::any_of(DeniedRanges().begin(), DeniedRanges().end(), [&](const DeniedRange& range) {
    return InNetwork(address, range.network, range.prefix_len);
  });
}

Status EgressPolicy::Check(std::string_view host, const IpAddress& address, int port) const {
  const std::string where =
      std::string(host) + " (" + address.ToString() + ") port " + std::to_string(port);
  if (IsAlwaysDenied(address)) {
    return Status::PermissionDenied("egress to " + where + " is never allowed");
  }
  const std::string lower_host = AsciiLower(host);
  for (const Rule& rule : rules_) {
    if (rule.port != 0 && rule.port != port) continue;
    if (rule.is_host) {
      if (rule.host == lower_host) return Status::Ok();
      if (rule.host.starts_with("*.") && lower_host.size() > rule.host.size() - 1 &&
          lower_host.ends_with(std::string_view(rule.host).substr(1))) {
        return Status::Ok();
      }
    } else if (InNetwork(address, rule.network, rule.prefix_len)) {
      return Status::Ok();
    }
  }
  return Status::PermissionDenied("egress to " + where + " is not in the allow-list");
}

}  // namespace vakt::action
