#pragma once
// HTTP GET on libcurl for the model downloads: one client per thread (it keeps its connections
// open between requests). Redirects are followed here, not by curl, so the credentials (the access
// token) go only to the host they were given for (the Hub sends file downloads to a CDN on another
// host). Proxies come from the environment as curl reads them (http_proxy, https_proxy, ALL_PROXY,
// NO_PROXY).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lora::download {

// How a request ended before an HTTP answer arrived in full.
enum class TransportFailure {
  none,
  cannot_connect,  // refused, unknown host, proxy unreachable, TLS failure
  timed_out,       // connecting took too long, or no byte arrived for the stall time
  interrupted,     // the connection closed in the middle of the body
  cancelled,       // the cancel flag was set
  sink_refused,    // the body's receiver stopped the transfer (e.g. a write failed)
};

struct HttpResponse {
  long status = 0;                             // 0 when there is no answer (see failure)
  std::map<std::string, std::string> headers;  // names in lower case, of the last answer
  std::string body;                            // the body, when it was not streamed (or an error answer)
  std::string url;                             // the address that answered (after redirects)
  TransportFailure failure = TransportFailure::none;
  std::string failure_detail;                  // curl's words for the failure
  uint64_t body_bytes = 0;                     // body bytes received (streamed or not)

  std::string header(const std::string& lower_case_name) const;
  bool ok() const { return failure == TransportFailure::none && status >= 200 && status < 300; }
};

struct HttpClientOptions {
  int connect_timeout_seconds = 15;
  int stall_timeout_seconds = 30;   // a transfer with no byte for this long is given up (and retried)
  std::vector<const std::atomic_bool*> cancel_flags;  // any one set stops the transfer
  std::string user_agent = "lora-studio";
};

// The parts of an address the token's host check compares.
struct UrlOrigin {
  std::string scheme, host;
  long port = 0;
  bool operator==(const UrlOrigin& other) const {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
};
// Empty host when `url` does not parse.
UrlOrigin url_origin(const std::string& url);
// Percent-encodes everything but unreserved characters; `keep_slash` leaves '/' as it is.
std::string url_encode(const std::string& text, bool keep_slash);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET `url`, the body into response.body. `credentials` (header lines, e.g. "Authorization:
  // Bearer ...") are sent to `url`'s scheme, host and port only.
  HttpResponse get(const std::string& url, const std::vector<std::string>& credentials);

  // GET `url` from byte `range_start` on (a Range request when it is not 0). Once a 2xx answer
  // starts, `begin` sees it (status and headers) and may refuse it (false stops the transfer);
  // then `write` gets the body in pieces (false stops the transfer). Error answers are kept in
  // response.body instead. `on_bytes` (optional) is told of each piece received, for progress.
  struct Sink {
    std::function<bool(const HttpResponse& head)> begin;
    std::function<bool(const char* data, size_t size)> write;
  };
  HttpResponse get_streamed(const std::string& url, const std::vector<std::string>& credentials, uint64_t range_start,
                            const Sink& sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lora::download
