-- Run once by the postgres image on an empty data volume (docker-compose.yml): the journal's database
-- is POSTGRES_DB; the read model gets its own, so it can be dropped and rebuilt from the journal alone.
CREATE DATABASE bank_readmodel OWNER bank;
