#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstring>
#include <mutex>

namespace lora::download {
namespace {

constexpr int kMaxRedirects = 10;
constexpr size_t kMaxErrorBody = 64 * 1024;  // an error page is read for its message, not kept whole

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

bool is_redirect(long status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportFailure::none;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return TransportFailure::cannot_connect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::timed_out;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportFailure::cancelled;
    case CURLE_WRITE_ERROR:
      return TransportFailure::sink_refused;
    default:
      return TransportFailure::interrupted;  // partial file, receive error, empty reply, HTTP/2 stream reset...
  }
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

UrlOrigin url_origin(const std::string& url) {
  global_init_once();
  UrlOrigin origin;
  CURLU* handle = curl_url();
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* part = nullptr;
    if (curl_url_get(handle, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) origin.scheme = lower(part);
    curl_free(part);
    part = nullptr;
    if (curl_url_get(handle, CURLUPART_HOST, &part, 0) == CURLUE_OK) origin.host = lower(part);
    curl_free(part);
    part = nullptr;
    if (curl_url_get(handle, CURLUPART_PORT, &part, CURLU_DEFAULT_PORT) == CURLUE_OK) origin.port = std::atol(part);
    curl_free(part);
  }
  curl_url_cleanup(handle);
  return origin;
}

std::string url_encode(const std::string& text, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  CURL* curl = nullptr;

  bool cancelled() const {
    for (const std::atomic_bool* flag : options.cancel_flags)
      if (flag && flag->load()) return true;
    return false;
  }

  // One transfer's state, seen by curl's callbacks.
  struct Transfer {
    Impl* impl = nullptr;
    HttpResponse* response = nullptr;
    const Sink* sink = nullptr;
    bool began = false;
    bool status_known = false;
    // Stall detection: curl's own low-speed limit averages over several seconds, so a burst then
    // silence would take much longer than the stall time to notice.
    curl_off_t last_received = -1;
    std::chrono::steady_clock::time_point last_change = std::chrono::steady_clock::now();
    bool stalled = false;
  };

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->response->headers.clear();  // a new answer (after a 100 Continue)
    } else {
      const size_t colon = line.find(':');
      if (colon != std::string::npos)
        transfer->response->headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    HttpResponse& response = *transfer->response;
    const size_t bytes = size * count;
    if (!transfer->status_known) {
      curl_easy_getinfo(transfer->impl->curl, CURLINFO_RESPONSE_CODE, &response.status);
      transfer->status_known = true;
    }
    if (is_redirect(response.status)) return bytes;
    response.body_bytes += bytes;
    const bool success = response.status >= 200 && response.status < 300;
    if (success && transfer->sink) {
      if (!transfer->began) {
        transfer->began = true;
        if (transfer->sink->begin && !transfer->sink->begin(response)) return 0;
      }
      return transfer->sink->write(data, bytes) ? bytes : 0;
    }
    if (response.body.size() < (success ? std::string::npos : kMaxErrorBody)) response.body.append(data, bytes);
    return bytes;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
    auto* transfer = static_cast<Transfer*>(user);
    if (transfer->impl->cancelled()) return 1;
    const auto now = std::chrono::steady_clock::now();
    if (received != transfer->last_received) {
      transfer->last_received = received;
      transfer->last_change = now;
    } else if (now - transfer->last_change > std::chrono::seconds(transfer->impl->options.stall_timeout_seconds)) {
      transfer->stalled = true;
      return 1;
    }
    return 0;
  }

  // One request, no redirect followed.
  void perform(const std::string& url, const std::vector<std::string>& credentials, uint64_t range_start, const Sink* sink,
               HttpResponse* response) {
    curl_easy_reset(curl);
    Transfer transfer;
    transfer.impl = this;
    transfer.response = response;
    transfer.sink = sink;
    char error_text[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout_seconds));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &Impl::on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    const std::string range = std::to_string(range_start) + "-";
    if (range_start > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    curl_slist* headers = nullptr;
    for (const std::string& line : credentials) headers = curl_slist_append(headers, line.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    const CURLcode code = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // error_text goes out of scope
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
    response->url = url;
    response->failure = classify(code);
    if (response->failure == TransportFailure::sink_refused && cancelled())
      response->failure = TransportFailure::cancelled;
    if (response->failure == TransportFailure::cancelled && transfer.stalled && !cancelled())
      response->failure = TransportFailure::timed_out;
    if (response->failure != TransportFailure::none)
      response->failure_detail = error_text[0] ? error_text : curl_easy_strerror(code);
    if (response->failure == TransportFailure::cannot_connect) response->status = 0;
  }

  HttpResponse request(const std::string& url, const std::vector<std::string>& credentials, uint64_t range_start,
                       const Sink* sink) {
    const UrlOrigin token_origin = url_origin(url);
    std::string current = url;
    for (int redirects = 0;; ++redirects) {
      HttpResponse response;
      // The token goes to the address it was given for, never to a host a redirect names.
      const bool same_origin = url_origin(current) == token_origin;
      perform(current, same_origin ? credentials : std::vector<std::string>(), range_start, sink, &response);
      if (response.failure != TransportFailure::none || !is_redirect(response.status) || redirects >= kMaxRedirects)
        return response;
      char* location = nullptr;
      curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);  // absolute, resolved against `current`
      if (!location) return response;
      current = location;
    }
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>()) {
  global_init_once();
  impl_->options = std::move(options);
  impl_->curl = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

HttpResponse HttpClient::get(const std::string& url, const std::vector<std::string>& credentials) {
  return impl_->request(url, credentials, 0, nullptr);
}

HttpResponse HttpClient::get_streamed(const std::string& url, const std::vector<std::string>& credentials,
                                      uint64_t range_start,
                                      const Sink& sink) {
  return impl_->request(url, credentials, range_start, &sink);
}

}  // namespace lora::download
