import protobuf from 'protobufjs/light.js';

// protobufjs (light: reflection from a JSON schema, no .proto parser): the kept, widely used
// protobuf library, already in the dependency tree (dockerode's gRPC). Prometheus's prompb, the
// parts remote write 1.0 sends: WriteRequest{timeseries}, TimeSeries{labels, samples}. The
// body is written by hand (`WriteRequestWriter`); protobufjs writes each series' labels once,
// the rare odd sample, and reads bodies back in tests.
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});

/** prompb.WriteRequest, to decode (tests) and to encode message objects (the reference, in tests). */
export const WriteRequestType = root.lookupType('prometheus.WriteRequest');
export const LabelType = root.lookupType('prometheus.Label');
export const SampleType = root.lookupType('prometheus.Sample');
