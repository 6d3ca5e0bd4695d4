# Sourced by the per-request scripts (not run alone): the demo candidate's attempt on a
# server started with `serve --demo --demo-password per-request`, and curl config sections.

# demo_attempt BASE_URL FOLDER WAIT_S: waits for the server, signs the demo candidate in (cookies
# in FOLDER/jar) and starts an attempt; prints its id, or fails naming what was answered.
demo_attempt() {
  local base=$1 folder=$2 wait_s=$3 loc id
  for _ in $(seq "$wait_s"); do curl -sf "$base/healthz" > /dev/null && break; sleep 1; done
  curl -sf -b "$folder/jar" -c "$folder/jar" -o /dev/null -X POST \
    -d 'email=candidate@demo.certamen.test&password=per-request' "$base/auth/signin"
  loc=$(curl -s -b "$folder/jar" -c "$folder/jar" -o /dev/null -w '%{redirect_url}' \
    -H 'Accept: text/html' -X POST -d 'language=en' "$base/exams/peer-support/attempts")
  id=$(echo "$loc" | cut -d/ -f5)
  [ ${#id} = 32 ] || { echo "no attempt started ($loc)" >&2; return 1; }
  echo "$id"
}

# section URL EXTRA_LINE FOLDER: one request as a curl config section (cookie and output are
# per section), printing its status code.
section() {
  printf 'url = "%s"\noutput = "/dev/null"\ncookie = "%s/jar"\nwrite-out = "%%{http_code}\\n"\n%s\nnext\n' "$1" "$3" "$2"
}
