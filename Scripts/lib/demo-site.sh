# Shell functions shared by the scripts that try `starcert serve` (source this file):
# an issuer profile, keys and issued example certificates in a folder, and the server on loopback.

# demo_site DIR BIN: the examples and an issuer profile in DIR, keys made, the four-star and the
# vetoed example issued on 2026-06-10 into DIR/a.sqlite (the first is KB-ASM-2026-000001).
demo_site() {
  local dir=$1 bin=$2
  cp -r Examples/photos Examples/*.yaml "$dir/"
  cat > "$dir/issuer.yaml" <<'PROFILE'
name: 北京坤标检验认证有限公司
name_en: Beijing Kunbiao Inspection and Certification Co., Ltd.
address: 北京市海淀区学院路 30 号
approval_number: CNCA-R-2019-123
verification_base_url: https://verify.kunbiao.cn/c
certificate_number_pattern: KB-ASM-{year}-{seq:06}
PROFILE
  (cd "$dir" && "$bin" keys init >/dev/null && "$bin" issue four-star-certification.yaml vetoed-certification.yaml -o issued --archive a.sqlite --date 2026-06-10 --jobs 1 >/dev/null 2>&1)
}

# serve_demo DIR BIN [OPTIONS…]: `starcert serve` over DIR/a.sqlite on a free loopback port,
# waited for; sets demo_port and demo_server (the pid, for the caller's cleanup).
serve_demo() {
  local dir=$1 bin=$2
  shift 2
  demo_port=$((20000 + RANDOM % 20000))
  (cd "$dir" && exec "$bin" serve --archive a.sqlite --listen "127.0.0.1:$demo_port" "$@" 2>/dev/null) &
  demo_server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$demo_port/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "the server did not start" >&2
  return 1
}
