#!/bin/bash
cd /tmp/ovbench
for r in 1 2 3; do for v in ort_int8_project ort_fp32 ov_fp32 ov_bf16 ov_ortint8 ov_nncf_int8; do
  ./run_one.sh $v $r > /dev/null 2>runs/${v}_$r.err
done; done
