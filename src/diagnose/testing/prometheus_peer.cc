#include "diagnose/testing/prometheus_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "diagnose/prometheus_client.h"

namespace vakt::diagnose::testing {

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

PrometheusPeer::~PrometheusPeer() {
  process_.Kill();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PrometheusPeer::Start(int timeout_ms) {
  if (::access(kPrometheusBinary, X_OK) != 0) {
    return std::string(kPrometheusBinary) + " is not installed (apt-get install prometheus)";
  }
  dir_ = (std::filesystem::temp_directory_path() /
          ("vakt-prom-" + std::to_string(::getpid()) + "-" + std::to_string(FreeLoopbackPort())))
             .string();
  std::filesystem::create_directories(dir_);
  port_ = FreeLoopbackPort();
  const int dead_port = FreeLoopbackPort();
  {
    std::ofstream config(dir_ + "/prometheus.yml");
    config << "global:\n"
              "  scrape_interval: 1s\n"
              "  evaluation_interval: 1s\n"
              "scrape_configs:\n"
              "  - job_name: fraud-serving\n"
              "    static_configs:\n"
              "      - targets: ['127.0.0.1:"
           << dead_port << "']\n";
  }
  if (!process_.Start({kPrometheusBinary, "--config.file=" + dir_ + "/prometheus.yml",
                       "--storage.tsdb.path=" + dir_ + "/data",
                       "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
                      dir_ + "/prometheus.log")) {
    return "could not start " + std::string(kPrometheusBinary);
  }
  PrometheusClientOptions options;
  options.base_url = url();
  options.timeout_ms = 2'000;
  PrometheusClient client(options);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const TimeMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    auto answer = client.Query("up{job=\"fraud-serving\"}", now);
    if (answer.ok() && !answer->series.empty()) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::ifstream log(dir_ + "/prometheus.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  return "prometheus did not scrape within " + std::to_string(timeout_ms) + " ms; log tail: " +
         text.substr(text.size() > 1500 ? text.size() - 1500 : 0);
}

}  // namespace vakt::diagnose::testing
