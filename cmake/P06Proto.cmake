# p06_proto_library(NAME PROTOS a.proto b.proto ...)
# Generates C++ messages and gRPC stubs for PROTOS (paths relative to proto/) into the
# build tree and wraps them in a static library NAME. Generated code is compiled
# without our warning flags.
function(p06_proto_library name)
  cmake_parse_arguments(ARG "" "" "PROTOS" ${ARGN})
  set(out_dir "${PROJECT_BINARY_DIR}/gen")
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem "${proto}")
    set(outs "${out_dir}/${stem}.pb.cc" "${out_dir}/${stem}.pb.h"
             "${out_dir}/${stem}.grpc.pb.cc" "${out_dir}/${stem}.grpc.pb.h")
    add_custom_command(
      OUTPUT ${outs}
      COMMAND ${CMAKE_COMMAND} -E make_directory "${out_dir}"
      COMMAND protobuf::protoc
        --proto_path=${PROJECT_SOURCE_DIR}/proto
        --cpp_out=${out_dir}
        --grpc_out=${out_dir}
        --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
        ${PROJECT_SOURCE_DIR}/proto/${proto}
      DEPENDS "${PROJECT_SOURCE_DIR}/proto/${proto}" protobuf::protoc gRPC::grpc_cpp_plugin
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND srcs "${out_dir}/${stem}.pb.cc" "${out_dir}/${stem}.grpc.pb.cc")
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} SYSTEM PUBLIC "${out_dir}")
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf gRPC::grpc++)
endfunction()
