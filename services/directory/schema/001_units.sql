-- Units, their names, lifecycle links, groups and contacts.
-- Enum columns hold the proto enum numbers of p06.directory.v1 (never 0).

CREATE TABLE units (
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  code           text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_.-]{0,31}$'),
  display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 300),
  kind           smallint NOT NULL CHECK (kind > 0),
  parent_id      text REFERENCES units (id),
  in_ministry    boolean NOT NULL,
  state          smallint NOT NULL DEFAULT 1 CHECK (state BETWEEN 1 AND 4),
  state_date     date,
  electronic_id  text NOT NULL DEFAULT '' CHECK (electronic_id ~ '^[0-9A-Z.]{0,35}$'),
  search_text    text NOT NULL DEFAULT '',   -- folded code, names and aliases (common/text/fold.h)
  version        bigint NOT NULL DEFAULT 1,  -- the etag; bumped by every change
  create_time    timestamptz NOT NULL DEFAULT now(),
  update_time    timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX units_parent_idx ON units (parent_id);

CREATE TABLE unit_aliases (
  unit_id  text NOT NULL REFERENCES units (id),
  ordinal  integer NOT NULL,
  text     text NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
  kind     smallint NOT NULL CHECK (kind BETWEEN 1 AND 3),
  until    date,  -- FORMER_NAME: first day the name no longer applied
  PRIMARY KEY (unit_id, ordinal)
);

-- Lifecycle: a merged or dissolved unit points at the units that took over.
CREATE TABLE unit_successors (
  unit_id       text NOT NULL REFERENCES units (id),
  successor_id  text NOT NULL REFERENCES units (id),
  ordinal       integer NOT NULL,
  PRIMARY KEY (unit_id, successor_id),
  CHECK (unit_id <> successor_id)
);

CREATE TABLE unit_endpoints (
  unit_id  text NOT NULL REFERENCES units (id),
  ordinal  integer NOT NULL,
  channel  smallint NOT NULL CHECK (channel BETWEEN 1 AND 3),
  address  text NOT NULL,
  PRIMARY KEY (unit_id, ordinal)
);

CREATE TABLE unit_groups (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 300),
  kind          smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),
  version       bigint NOT NULL DEFAULT 1
);

CREATE TABLE group_aliases (
  group_id  text NOT NULL REFERENCES unit_groups (id),
  ordinal   integer NOT NULL,
  text      text NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
  kind      smallint NOT NULL CHECK (kind BETWEEN 1 AND 3),
  PRIMARY KEY (group_id, ordinal)
);

CREATE TABLE group_members (
  group_id  text NOT NULL REFERENCES unit_groups (id),
  unit_id   text NOT NULL REFERENCES units (id),
  PRIMARY KEY (group_id, unit_id)
);

CREATE TABLE contacts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  unit_id    text NOT NULL REFERENCES units (id),
  full_name  text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  title      text NOT NULL DEFAULT '',
  email      text NOT NULL DEFAULT '',
  phone      text NOT NULL DEFAULT '',
  role       smallint NOT NULL CHECK (role BETWEEN 1 AND 3),
  version    bigint NOT NULL DEFAULT 1,
  deleted    boolean NOT NULL DEFAULT false
);
CREATE INDEX contacts_unit_idx ON contacts (unit_id) WHERE NOT deleted;

-- Change counter: every committed change bumps it and notifies, so that replicas
-- rebuild their in-memory name index.
CREATE TABLE directory_revision (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision   bigint NOT NULL
);
INSERT INTO directory_revision VALUES (true, 0);

-- The sector's abbreviations, expanded when names are matched, so that a name and its
-- abbreviated form ("Cục CNTT", "Cục Công nghệ thông tin") meet on one key.
-- abbreviation is folded (lower case, no marks); expansion is written as in documents.
CREATE TABLE abbreviations (
  abbreviation  text PRIMARY KEY CHECK (abbreviation ~ '^[a-z0-9]+$'),
  expansion     text NOT NULL CHECK (length(expansion) BETWEEN 1 AND 200)
);
