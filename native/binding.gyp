{
  "targets": [
    {
      "target_name": "original_dst",
      "sources": ["original_dst.c", "reuseport.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS"]
    }
  ]
}
