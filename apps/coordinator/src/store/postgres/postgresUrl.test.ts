import { describe, expect, it } from "vitest";
import { checkPostgresUrl, MAX_URL_CHARS, redactUrl } from "./postgresUrl.ts";

describe("redactUrl", () => {
  it("masks the password in the authority, whatever it contains, and in a password parameter", () => {
    expect(redactUrl("postgres://shoal:s3cret@db.example:5432/shoal")).toBe("postgres://shoal:***@db.example:5432/shoal");
    expect(redactUrl("postgresql://shoal:p@ss:w@rd@db/shoal")).toBe("postgresql://shoal:***@db/shoal");
    expect(redactUrl("postgres://db/shoal?user=a&password=hunter2&sslmode=require")).toBe("postgres://db/shoal?user=a&password=***&sslmode=require");
    expect(redactUrl("postgres://shoal@db/shoal")).toBe("postgres://shoal@db/shoal");
  });
});

describe("checkPostgresUrl", () => {
  it("takes postgres:// and postgresql:// URLs with a host", () => {
    expect(() => checkPostgresUrl("postgres://u:p@127.0.0.1:5432/db")).not.toThrow();
    expect(() => checkPostgresUrl("postgresql://u@db/x?sslmode=require")).not.toThrow();
    expect(() => checkPostgresUrl("postgres:///db?host=/var/run/postgresql")).not.toThrow();
  });

  it("refuses other schemes, unparsable or hostless URLs and overlong text, naming the URL with its password masked", () => {
    expect(() => checkPostgresUrl("sqlite://u:hunter2@x/db")).toThrow("'sqlite://u:***@x/db' is not a PostgreSQL URL");
    expect(() => checkPostgresUrl("./data/shoal.db")).toThrow("is not a PostgreSQL URL");
    expect(() => checkPostgresUrl("postgres://u:hunter2@[::1/db")).toThrow("'postgres://u:***@[::1/db' is not a valid URL");
    expect(() => checkPostgresUrl("postgres:///db")).toThrow("names no host");
    expect(() => checkPostgresUrl(`postgres://db/${"x".repeat(MAX_URL_CHARS)}`)).toThrow(`longer than ${MAX_URL_CHARS} characters`);
  });
});
