{
  "targets": [
    {
      "target_name": "workbench_gemm",
      "sources": ["src/gemm.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-std=c11", "-D_GNU_SOURCE"],
      "conditions": [
        ["OS=='linux'", { "libraries": ["-ldl", "-lpthread"] }],
        ["OS=='mac'", { "xcode_settings": { "OTHER_CFLAGS": ["-O2", "-std=c11"] } }]
      ]
    }
  ]
}
