// The qa service's tables, and the outbox's, in its own database. Runs on SQLite and MariaDB alike.
import { sql, type Kysely } from 'kysely';
import { outboxMigrations } from '#kit/outbox';
import { termColumnType } from '#kit/search';
import type { Migration } from '#kit/store';

/**
 * A Markdown body of up to 20,000 characters: MariaDB's TEXT holds 65,535 bytes, which 20,000
 * four-byte characters (emoji) overflow; MEDIUMTEXT holds 16 MiB. SQLite reads the name as TEXT.
 */
const BODY = sql`mediumtext`;

export const qaMigrations: Record<string, Migration> = {
  ...outboxMigrations,
  '0001_create_questions_and_answers': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('questions')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('asker_id', 'bigint', (c) => c.notNull())
        .addColumn('title', 'varchar(400)', (c) => c.notNull())
        .addColumn('content', BODY, (c) => c.notNull())
        .addColumn('tags', 'varchar(1000)', (c) => c.notNull())
        .addColumn('answer_count', 'bigint', (c) => c.notNull())
        .addColumn('accepted_answer_id', 'bigint', (c) => c.notNull())
        .addColumn('answer_score_sum', 'bigint', (c) => c.notNull())
        .addColumn('hot_score', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_answer_at', 'bigint', (c) => c.notNull())
        .execute();
      // One index per list order: each page is a range scan.
      await db.schema.createIndex('questions_newest').on('questions').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('questions_unanswered').on('questions').columns(['answer_count', 'created_at', 'id']).execute();
      await db.schema.createIndex('questions_hot').on('questions').columns(['hot_score', 'id']).execute();

      await db.schema
        .createTable('answers')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('question_id', 'bigint', (c) => c.notNull())
        .addColumn('answerer_id', 'bigint', (c) => c.notNull())
        .addColumn('content', BODY, (c) => c.notNull())
        .addColumn('score', 'bigint', (c) => c.notNull())
        .addColumn('up_count', 'bigint', (c) => c.notNull())
        .addColumn('down_count', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // A question's answers, best first.
      await db.schema.createIndex('answers_by_question').on('answers').columns(['question_id', 'score']).execute();

      await db.schema
        .createTable('answer_votes')
        .addColumn('answer_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        // One vote per user per answer: a second first vote at once is refused by this key.
        .addPrimaryKeyConstraint('answer_votes_pk', ['answer_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('question_terms')
        .addColumn('term', termColumnType(db), (c) => c.notNull())
        .addColumn('question_id', 'bigint', (c) => c.notNull())
        .addColumn('weight', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('question_terms_key', ['term', 'question_id'])
        .execute();
      await db.schema.createIndex('question_terms_by_question').on('question_terms').column('question_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('question_terms').execute();
      await db.schema.dropTable('answer_votes').execute();
      await db.schema.dropTable('answers').execute();
      await db.schema.dropTable('questions').execute();
    },
  },
};
