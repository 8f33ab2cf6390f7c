// The two messages every stack carries: a small echo, and a batch of 30 users as a profile page
// or a feed asks for them. The users are fixed and realistic: snowflake-style ids above 2^32 (so
// int64 handling is exercised), names in Chinese and Latin, avatar and background URLs,
// signatures and the profile counters.

const FAMILY = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴'];
const GIVEN = ['小明', '思远', '雨桐', '子涵', '浩然', '欣怡', '俊杰', '梓萱', '宇航', '诗琪'];
const LATIN = ['Alice Martin', 'Bruno Costa', 'Chloé Dubois', 'Daniel Kim', 'Elena Rossi', 'Farid Haddad', 'Greta Nilsson', 'Hiro Tanaka', 'Ines García', 'Jonas Weber'];
const SIGNATURES = [
  '记录生活，分享快乐 ✨',
  'Coffee, code and long walks.',
  '每天进步一点点 | 摄影爱好者 📷',
  'Travelling the world one city at a time 🌍',
  '热爱美食，也热爱生活。商务合作请私信',
  'Dancer. Dreamer. 北京 ✈ 上海',
];

// A snowflake-style id: milliseconds since 2024-01-01 shifted past worker and sequence bits, kept
// below 2^53 so it stays an exact JavaScript number.
const BASE_ID = 1_824_000_000_000_000; // ~2^50.7: above 2^32, below 2^53
const CREATED_AT = Date.UTC(2024, 2, 14, 9, 30);

export const USERS = Array.from({ length: 30 }, (_, i) => {
  const id = BASE_ID + i * 4_194_304 + 17; // one per 4 ms of id time, worker 17
  const latin = i % 3 === 2;
  const name = latin ? LATIN[i % LATIN.length] : `${FAMILY[i % FAMILY.length]}${GIVEN[(i * 7) % GIVEN.length]}`;
  return {
    id,
    username: latin ? name.toLowerCase().replace(/[^a-z]+/g, '_') + i : `user_${id.toString(36)}`,
    name,
    avatar: `https://cdn.surge.example/avatars/${id}/${i % 2 ? 'large' : 'medium'}.jpg?v=${3 + (i % 5)}`,
    signature: SIGNATURES[i % SIGNATURES.length],
    createdAt: CREATED_AT + i * 86_400_000,
    backgroundImage: i % 4 === 0 ? '' : `https://cdn.surge.example/backgrounds/${id}.jpg`,
    // Counters as a feed shows them: a few zero, most small, some large.
    followCount: (i * 37) % 500,
    followerCount: i % 5 === 0 ? 0 : (i * 7919) % 120_000,
    workCount: (i * 13) % 90,
    favoriteCount: (i * 211) % 3000,
    totalFavorited: i % 7 === 0 ? 0 : i * 104_729,
  };
});

export const USER_IDS = USERS.map((u) => u.id);
const byId = new Map(USERS.map((u) => [u.id, u]));

/** Users in the order asked, missing ids left out (the contract of UserService.GetUsers). */
export function lookUsers(ids) {
  const out = [];
  for (const id of ids) {
    const u = byId.get(id);
    if (u) out.push(u);
  }
  return out;
}

export const ECHO_REQUEST = { message: 'hello, 世界', number: 2 ** 40 + 7, hops: 0 };
export const USERS_REQUEST = { ids: USER_IDS };

/** The echo handler's reply (remainingMs -1: the handler does not look at its deadline). */
export const echoReply = (req) => ({ message: req.message, number: req.number, remainingMs: -1 });

export const MESSAGES = ['echo', 'users30'];
