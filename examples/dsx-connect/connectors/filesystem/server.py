"""filesystem-connector: a tiny HTTP service that reports its name and version."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from version import CONNECTOR_VERSION


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"service": "filesystem-connector", "version": CONNECTOR_VERSION}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8590"))), Handler).serve_forever()
