{
  "targets": [
    {
      "target_name": "original_dst",
      "sources": ["original_dst.c", "heap_tuning.c", "reuseport.c"],
      "conditions": [["OS=='linux'", { "sources": ["splice_relay.c"] }]],
      "cflags": ["-Wall", "-Wextra", "-O2", "-pthread"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
