import { list, onOff } from './inputCodecs.js';
import { key } from './keySpec.js';

/** Which containers are watched, how their points are tagged, which fields are written: part of the key table. */
export const SELECTION_KEYS = {
  includeNames: key({
    codec: list,
    env: 'INCLUDE_NAMES',
    flag: '--include-names',
    default: [],
    doc: 'container name globs to watch (empty: all)',
  }),
  excludeNames: key({
    codec: list,
    env: 'EXCLUDE_NAMES',
    flag: '--exclude-names',
    default: [],
    doc: 'container name globs to leave out',
  }),
  includeLabels: key({
    codec: list,
    env: 'INCLUDE_LABELS',
    flag: '--include-labels',
    default: [],
    doc: 'label globs to watch: key=value or key',
  }),
  excludeLabels: key({
    codec: list,
    env: 'EXCLUDE_LABELS',
    flag: '--exclude-labels',
    default: [],
    doc: 'label globs to leave out',
  }),
  includeStates: key({
    codec: list,
    env: 'INCLUDE_STATES',
    flag: '--include-states',
    default: ['running'],
    doc: 'container states to watch at start-up',
  }),
  excludeStates: key({
    codec: list,
    env: 'EXCLUDE_STATES',
    flag: '--exclude-states',
    default: [],
    doc: 'container states to leave out',
  }),
  tagLabels: key({
    codec: list,
    env: 'TAG_LABELS',
    flag: '--tag-labels',
    default: [],
    doc: 'globs of container label keys copied as tags on every point of the container (e.g. com.docker.compose.service,team); default none',
  }),
  tagLabelsExclude: key({
    codec: list,
    env: 'TAG_LABELS_EXCLUDE',
    flag: '--tag-labels-exclude',
    default: [],
    doc: 'globs of label keys never copied as tags',
  }),
  composeTags: key({
    codec: onOff,
    env: 'COMPOSE_TAGS',
    flag: '--compose-tags',
    default: true,
    doc: 'the `compose_project` and `compose_service` tags, from the com.docker.compose.project / .service labels, on every point of a container that has them',
  }),
  imageTag: key({
    codec: onOff,
    env: 'IMAGE_TAG',
    flag: '--image-tag',
    default: true,
    doc: "the `image` tag (the container's image, without digest) on every point",
  }),
  measurements: key({
    codec: list,
    env: 'MEASUREMENTS',
    flag: '--measurements',
    default: [],
    doc: 'globs of the measurements to write (cpu, memory, network, blockio, container); empty: all',
  }),
  fields: key({
    codec: list,
    env: 'FIELDS',
    flag: '--fields',
    default: [],
    doc: 'globs on measurement.field to write (e.g. cpu.*,memory.usage_*); empty: all. A point left with no fields is not written',
  }),
  fieldsExclude: key({
    codec: list,
    env: 'FIELDS_EXCLUDE',
    flag: '--fields-exclude',
    default: [],
    doc: 'globs on measurement.field to leave out (e.g. network.*_dropped)',
  }),
};
