#!/usr/bin/env python3
"""A fake model hub on 127.0.0.1 for the download tests (tests/test_download.cpp): no test reaches
outside the machine.

It serves the folders named in a JSON config as model repositories, in the shapes of
  - the Hugging Face Hub (huggingface_hub's HfApi.model_info / hf_hub_download):
      GET /api/models/{repo}/revision/{rev}?blobs=true -> {"id", "sha", "siblings": [{"rfilename", "blobId",
          "size", "lfs": {"sha256", "size", "pointerSize"}}]}
      GET /api/models?search=Q&limit=N... -> [{"id", "downloads", "likes", "gated", "safetensors": {"total"},
          "usedStorage"}] (HfApi.list_models), most downloaded first
      GET /{repo}/resolve/{rev}/{path} -> small files directly; LFS files (the .gitattributes defaults:
          *.safetensors, *.bin, ...) by a 302 redirect to a second server, "the CDN", on another host name
          (localhost instead of 127.0.0.1) and port, with X-Repo-Commit, X-Linked-Size, X-Linked-Etag;
      errors as the Hub sends them, with X-Error-Code / X-Error-Message: an unknown repo is 401
      RepoNotFound without a token (404 with one), a gated repo's files 401 GatedRepo without a token
      and 403 GatedRepo with a token not granted access, an unknown revision 404 RevisionNotFound, a
      missing file 404 EntryNotFound, a bad token 401 "Invalid credentials in Authorization header";
  - ModelScope (modelscope/hub/api.py get_model_files, file_download.get_file_download_url):
      GET /api/v1/models/{repo}/repo/files?Revision=master&Recursive=True -> {"Code": 200, "Data":
          {"Files": [{"Name", "Path", "Type": "blob"|"tree", "Size", "Sha256", "Revision"}]}, "Success": true}
      GET /api/v1/models/{repo}/repo?Revision=master&FilePath={path} -> the file.
Both servers answer Range requests (206 with Content-Range).

Misbehaviour on demand (config "faults"; counts are the number of requests that misbehave, then it
behaves):
  "drop":  {path: n}      send half of the file, then close the connection
  "stall": {path: [n, s]} send half of the file, then nothing for s seconds, then close
  "slow":  {path: b}      send the file at b bytes per second (always; for pictures of a download in progress)
  "corrupt": {path: n}    send the file with one byte changed
  "wrong_sha256": [path]  list a sha256 that is not the file's
  "listed_size": {path: n} list n as the file's size
  "listing_status": {"status": 429|500|403|..., "count": n, "headers": {...}}   the file list request
  "file_status": {path: {"status": ..., "count": n, "headers": {...}}}          the file request

Usage: fake_hub.py CONFIG.json  -> prints {"hub": PORT, "cdn": PORT} on one line of stdout, then
serves until killed. Every request is recorded in config["stats"] (a JSON file rewritten after each
request): the bytes of file body sent per path, and each request's server, path, Range and whether
it carried an Authorization header.

Config: {"repos": {"org/name": {"dir": DIR, "commit": HEX40, "gated": bool, "private": bool,
                                "downloads": N, "likes": N, "parameters": N}},
         "tokens": [accepted tokens], "granted": [tokens with access to gated repos],
         "faults": {...}, "stats": PATH}
"""
import fnmatch
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_PATTERNS = ["*.safetensors", "*.bin", "*.pt", "*.pth", "*.ckpt", "*.gguf", "*.onnx", "*.h5", "*.msgpack",
                "*.model", "*.ot", "*.tflite", "*.zip"]

config = json.load(open(sys.argv[1]))
faults = config.get("faults", {})
lock = threading.Lock()
stats = {"bytes_sent": {}, "requests": []}
fault_counts = {}  # (kind, path) -> times used
ports = {}


def save_stats():
    path = config.get("stats")
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(stats, f)
    os.replace(tmp, path)


def take_fault(kind, path, count):
    """True (and counts it) while the fault `kind` on `path` has uses left."""
    with lock:
        used = fault_counts.get((kind, path), 0)
        if used >= count:
            return False
        fault_counts[(kind, path)] = used + 1
        return True


def repo_files(repo):
    root = config["repos"][repo]["dir"]
    files = []
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            full = os.path.join(folder, name)
            files.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(files)


def file_bytes(repo, path):
    with open(os.path.join(config["repos"][repo]["dir"], path), "rb") as f:
        return f.read()


def sha256_of(repo, path):
    if path in faults.get("wrong_sha256", []):
        return hashlib.sha256(b"not the file").hexdigest()
    return hashlib.sha256(file_bytes(repo, path)).hexdigest()


def listed_size(path, data):
    return faults.get("listed_size", {}).get(path, len(data))


def git_blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def is_lfs(path):
    return any(fnmatch.fnmatchcase(path, p) for p in LFS_PATTERNS)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_name_label = "hub"

    def log_message(self, *args):
        pass

    def record(self):
        with lock:
            stats["requests"].append({
                "server": self.server_name_label,
                "path": self.path,
                "range": self.headers.get("Range"),
                "authorization": self.headers.get("Authorization") is not None,
            })
            save_stats()

    def token(self):
        value = self.headers.get("Authorization", "")
        return value[len("Bearer "):] if value.startswith("Bearer ") else None

    def answer(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.end_headers()
        self.wfile.write(body)

    def hub_error(self, status, code, message):
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self.answer(status, {"error": message}, headers)

    def send_file(self, repo, path, extra_headers=None):
        """The file, honouring Range, with the faults that concern it."""
        data = file_bytes(repo, path)
        if path in faults.get("corrupt", {}) and take_fault("corrupt", path, faults["corrupt"][path]):
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start, end = 0, len(data)
        status = 200
        headers = dict(extra_headers or {})
        requested = self.headers.get("Range")
        if requested and requested.startswith("bytes="):
            first, _, last = requested[len("bytes="):].partition("-")
            start = int(first) if first else 0
            end = int(last) + 1 if last else len(data)
            if start >= len(data):
                self.answer(416, b"", {"Content-Range": "bytes */%d" % len(data)})
                return
            status = 206
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, end - 1, len(data))
        body = data[start:end]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for key, value in headers.items():
            self.send_header(key, str(value))
        self.end_headers()
        cut = None
        stall_seconds = 0
        if path in faults.get("drop", {}) and take_fault("drop", path, faults["drop"][path]):
            cut = len(body) // 2
        elif path in faults.get("stall", {}) and take_fault("stall", path, faults["stall"][path][0]):
            cut = len(body) // 2
            stall_seconds = faults["stall"][path][1]
        sent = body if cut is None else body[:cut]
        rate = faults.get("slow", {}).get(path)
        if rate:
            step = max(1, int(rate) // 10)
            for offset in range(0, len(sent), step):
                self.wfile.write(sent[offset:offset + step])
                self.wfile.flush()
                time.sleep(0.1)
        else:
            self.wfile.write(sent)
        self.wfile.flush()
        with lock:
            stats["bytes_sent"][path] = stats["bytes_sent"].get(path, 0) + len(sent)
            save_stats()
        if cut is not None:
            time.sleep(stall_seconds)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def listing_fault(self):
        fault = faults.get("listing_status")
        if fault and take_fault("listing_status", "", fault.get("count", 1 << 30)):
            self.answer(fault["status"], {"error": "fault"}, fault.get("headers", {}))
            return True
        return False

    def file_fault(self, path):
        fault = faults.get("file_status", {}).get(path)
        if fault and take_fault("file_status", path, fault.get("count", 1 << 30)):
            self.answer(fault["status"], {"error": "fault"}, fault.get("headers", {}))
            return True
        return False

    def check_token(self):
        """False (after answering) when a token is sent that the hub does not know."""
        token = self.token()
        if token is not None and token not in config.get("tokens", []):
            self.hub_error(401, None, "Invalid credentials in Authorization header")
            return False
        return True

    def known_repo(self, repo):
        """The repo when it exists and the caller may see it, else None (after answering as the Hub does)."""
        info = config["repos"].get(repo)
        if info is None or (info.get("private") and self.token() is None):
            if self.token() is None:
                self.hub_error(401, "RepoNotFound", "Repository not found")
            else:
                self.hub_error(404, "RepoNotFound", "Repository not found")
            return None
        return info

    def do_GET(self):
        self.record()
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        query = dict(urllib.parse.parse_qsl(url.query))
        if self.server_name_label == "cdn":
            return self.cdn(parts)
        if parts[:3] == ["api", "v1", "models"]:
            return self.modelscope(parts[3:], query)
        if parts == ["api", "models"]:
            return self.hf_search(urllib.parse.parse_qs(url.query))
        if parts[:2] == ["api", "models"]:
            return self.hf_info(parts[2:])
        if len(parts) >= 5 and parts[2] == "resolve":
            return self.hf_resolve("/".join(parts[:2]), parts[3], "/".join(parts[4:]))
        self.answer(404, {"error": "not found"})

    def revision_ok(self, info, revision):
        return revision in ("main", info["commit"])

    def hf_info(self, parts):
        # api/models/{org}/{name}/revision/{rev}
        if len(parts) != 4 or parts[2] != "revision":
            return self.answer(404, {"error": "not found"})
        if not self.check_token():
            return
        repo, revision = "/".join(parts[:2]), parts[3]
        if self.listing_fault():
            return
        info = self.known_repo(repo)
        if info is None:
            return
        if not self.revision_ok(info, revision):
            return self.hub_error(404, "RevisionNotFound", "Invalid rev id: " + revision)
        siblings = []
        for path in repo_files(repo):
            data = file_bytes(repo, path)
            sibling = {"rfilename": path, "blobId": git_blob_id(data), "size": listed_size(path, data)}
            if is_lfs(path):
                sibling["lfs"] = {"sha256": sha256_of(repo, path), "size": listed_size(path, data), "pointerSize": 134}
            siblings.append(sibling)
        self.answer(200, {
            "_id": "0" * 24, "id": repo, "modelId": repo, "author": repo.split("/")[0], "sha": info["commit"],
            "private": bool(info.get("private")), "gated": "manual" if info.get("gated") else False,
            "disabled": False, "downloads": 0, "likes": 0, "library_name": "transformers",
            "pipeline_tag": "text-generation", "tags": ["transformers", "safetensors"],
            "siblings": siblings, "lastModified": "2026-01-01T00:00:00.000Z",
        })

    def hf_search(self, query):
        """HfApi.list_models: the public repos whose id contains `search`, most downloaded first."""
        if self.listing_fault():
            return
        search = query.get("search", [""])[0].lower()
        limit = int(query.get("limit", ["1000"])[0])
        found = []
        for repo, info in config["repos"].items():
            if search not in repo.lower() or info.get("private"):
                continue
            item = {"_id": "0" * 24, "id": repo, "downloads": info.get("downloads", 0), "likes": info.get("likes", 0),
                    "gated": "manual" if info.get("gated") else False, "pipeline_tag": "text-generation",
                    "usedStorage": sum(len(file_bytes(repo, p)) for p in repo_files(repo))}
            if "parameters" in info:
                item["safetensors"] = {"parameters": {"F32": info["parameters"]}, "total": info["parameters"]}
            found.append(item)
        found.sort(key=lambda item: -item["downloads"])
        self.answer(200, found[:limit])

    def hf_resolve(self, repo, revision, path):
        if not self.check_token():
            return
        info = self.known_repo(repo)
        if info is None:
            return
        if info.get("gated"):
            token = self.token()
            if token is None:
                return self.hub_error(401, "GatedRepo", "Access to model %s is restricted. You must have access to it "
                                      "and be authenticated to access it. Please log in." % repo)
            if token not in config.get("granted", []):
                return self.hub_error(403, "GatedRepo", "Access to model %s is restricted and you are not in the "
                                      "authorized list. Visit https://huggingface.co/%s to ask for access." % (repo, repo))
        if not self.revision_ok(info, revision):
            return self.hub_error(404, "RevisionNotFound", "Invalid rev id: " + revision)
        if path not in repo_files(repo):
            return self.hub_error(404, "EntryNotFound", "Entry not found")
        if self.file_fault(path):
            return
        data = file_bytes(repo, path)
        headers = {"X-Repo-Commit": info["commit"], "ETag": '"%s"' % git_blob_id(data)}
        if not is_lfs(path):
            return self.send_file(repo, path, headers)
        # Like the Hub: LFS files live on a CDN, on another host; the token must not follow.
        location = "http://localhost:%d/blobs/%s/%s?expires=1" % (ports["cdn"], urllib.parse.quote(repo),
                                                                 urllib.parse.quote(path))
        headers.update({"Location": location, "X-Linked-Size": len(data),
                        "X-Linked-Etag": '"%s"' % hashlib.sha256(data).hexdigest()})
        self.answer(302, b"", headers, "text/plain")

    def cdn(self, parts):
        # blobs/{org}/{name}/{path}
        if len(parts) < 4 or parts[0] != "blobs":
            return self.answer(404, {"error": "not found"})
        repo, path = "/".join(parts[1:3]), "/".join(parts[3:])
        if repo not in config["repos"] or path not in repo_files(repo):
            return self.answer(404, {"error": "not found"})
        self.send_file(repo, path)

    def modelscope(self, parts, query):
        # {org}/{name}/repo/files  or  {org}/{name}/repo
        repo = "/".join(parts[:2])
        info = config["repos"].get(repo)
        # The SDK sends its token as the m_session_id cookie (and as a Bearer token in newer versions);
        # a private model needs both here, so that a client sending only one of them is noticed.
        cookies = dict(c.strip().split("=", 1) for c in self.headers.get("Cookie", "").split(";") if "=" in c)
        token = self.token()
        if token != cookies.get("m_session_id"):
            token = None
        if info is None or (info.get("private") and token not in config.get("tokens", [])):
            if info is None:
                return self.answer(404, {"Code": 10010205001, "Message": "model not found", "Success": False})
            return self.answer(401, {"Code": 10010205002, "Message": "no permission", "Success": False})
        revision = query.get("Revision", "master")
        if parts[2:] == ["repo", "files"]:
            if self.listing_fault():
                return
            if revision not in ("master", info["commit"]):
                return self.answer(200, {"Code": 10010205001, "Message": "revision not found", "Success": False})
            entries = []
            folders = set()
            for path in repo_files(repo):
                data = file_bytes(repo, path)
                if "/" in path:
                    folders.add(path.rsplit("/", 1)[0])
                entries.append({"Name": path.rsplit("/", 1)[-1], "Path": path, "Type": "blob", "Size": listed_size(path, data),
                                "Sha256": sha256_of(repo, path), "Revision": info["commit"], "IsLFS": is_lfs(path)})
            for folder in sorted(folders):
                entries.append({"Name": folder.rsplit("/", 1)[-1], "Path": folder, "Type": "tree", "Size": 0,
                                "Sha256": "", "Revision": info["commit"]})
            return self.answer(200, {"Code": 200, "Data": {"Files": entries, "IsLFS": False}, "Message": "success",
                                     "RequestId": "fake", "Success": True})
        if parts[2:] == ["repo"]:
            path = query.get("FilePath", "")
            if path not in repo_files(repo):
                return self.answer(404, {"Code": 10010205001, "Message": "file not found", "Success": False})
            if self.file_fault(path):
                return
            return self.send_file(repo, path)
        self.answer(404, {"error": "not found"})


class CdnHandler(Handler):
    server_name_label = "cdn"


def main():
    hub = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    cdn = ThreadingHTTPServer(("127.0.0.1", 0), CdnHandler)
    hub.daemon_threads = cdn.daemon_threads = True
    ports["hub"], ports["cdn"] = hub.server_address[1], cdn.server_address[1]
    save_stats()
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    print(json.dumps(ports), flush=True)
    hub.serve_forever()


if __name__ == "__main__":
    main()
