// What the demo catalog is made of: two levels of categories, and for each leaf the brands, kinds
// of product, variants, subtitles and price range its products are drawn from. Names mix Chinese
// and English as a real Chinese shop's do ("华为 Mate 60 手机", "Apple iPhone 15").

export interface DemoLeaf {
  name: string;
  brands: readonly string[];
  items: readonly string[];
  variants: readonly string[];
  subtitles: readonly string[];
  /** Prices drawn in [min, max] yuan, stored in cents. */
  priceYuan: readonly [min: number, max: number];
}

export interface DemoParent {
  name: string;
  children: readonly DemoLeaf[];
}

export const DEMO_CATEGORIES: readonly DemoParent[] = [
  {
    name: '手机数码',
    children: [
      {
        name: '手机',
        brands: ['华为', 'Apple', '小米 Xiaomi', 'OPPO', 'vivo', '荣耀 Honor', 'Samsung 三星'],
        items: ['Mate 60 手机', 'iPhone 15', 'Redmi Note 13 手机', 'Find X7 手机', 'X100 Pro 手机', 'Magic6 手机', 'Galaxy S24 手机', 'nova 12 手机'],
        variants: ['128GB', '256GB', '512GB', '雅川青', 'Midnight Black', '星河银', 'Pro 版'],
        subtitles: ['5G 全网通 旗舰影像', '超长续航 快充 100W', 'A17 Pro 芯片 钛金属设计', '卫星通话 昆仑玻璃', '护眼屏 轻薄机身'],
        priceYuan: [999, 9999],
      },
      {
        name: '耳机音箱',
        brands: ['Sony 索尼', 'Apple', '华为', 'Bose', 'JBL', '漫步者 Edifier'],
        items: ['蓝牙耳机', 'AirPods Pro 2', 'FreeBuds Pro 3 蓝牙耳机', '降噪耳机 WH-1000XM5', '蓝牙音箱 Flip 6', '头戴式耳机'],
        variants: ['黑色', '白色', 'Silver', '限定款', '运动版'],
        subtitles: ['主动降噪 Hi-Res 音质', '空间音频 无线充电', '防水 IP67 户外便携', '超长续航 40 小时'],
        priceYuan: [99, 2999],
      },
    ],
  },
  {
    name: '电脑办公',
    children: [
      {
        name: '笔记本',
        brands: ['Apple', '联想 Lenovo', 'ThinkPad', '华为', 'Dell 戴尔', 'ASUS 华硕'],
        items: ['MacBook Air 13', 'MacBook Pro 14', '小新 Pro 16 笔记本', 'X1 Carbon 笔记本', 'MateBook X Pro', 'XPS 13 笔记本', '灵耀 14 轻薄本'],
        variants: ['16GB 512GB', '32GB 1TB', 'M3 芯片', 'i7 酷睿', '2.8K OLED'],
        subtitles: ['轻薄便携 长续航', '高性能 创作本', '商务办公 指纹解锁', '高色域 屏幕'],
        priceYuan: [3999, 19999],
      },
      {
        name: '键盘鼠标',
        brands: ['Logitech 罗技', '雷蛇 Razer', 'Cherry 樱桃', '达尔优', 'Keychron'],
        items: ['机械键盘', '无线鼠标 MX Master 3S', '游戏鼠标', '机械键盘 K8 Pro', '静音键盘', '键鼠套装'],
        variants: ['青轴', '红轴', '茶轴', 'RGB 背光', '白色'],
        subtitles: ['热插拔 三模连接', '人体工学 静音按键', '电竞级 传感器', '办公 游戏 两用'],
        priceYuan: [49, 1299],
      },
    ],
  },
  {
    name: '家用电器',
    children: [
      {
        name: '厨房电器',
        brands: ['美的 Midea', '九阳 Joyoung', '苏泊尔 SUPOR', 'Philips 飞利浦', '松下 Panasonic'],
        items: ['电饭煲', '空气炸锅', '破壁机', '电水壶', '微波炉', '咖啡机 Espresso'],
        variants: ['3L', '5L', '智能款', '家用款', '不锈钢'],
        subtitles: ['一键智能 预约定时', '无油低脂 大容量', '多功能 易清洗', '304 不锈钢 内胆'],
        priceYuan: [99, 3999],
      },
      {
        name: '生活电器',
        brands: ['Dyson 戴森', '小米 Xiaomi', '石头 Roborock', '科沃斯 Ecovacs', '飞科 FLYCO'],
        items: ['吸尘器 V15', '扫地机器人', '电风扇', '空气净化器', '吹风机 Supersonic', '电动牙刷'],
        variants: ['标准版', 'Pro', '白色', '旗舰款', '2024 新款'],
        subtitles: ['大吸力 长续航', '智能避障 自动集尘', '静音 负离子护发', '除甲醛 除菌'],
        priceYuan: [79, 5999],
      },
    ],
  },
  {
    name: '服饰运动',
    children: [
      {
        name: '运动鞋',
        brands: ['Nike 耐克', 'Adidas 阿迪达斯', '李宁 Li-Ning', '安踏 ANTA', 'New Balance'],
        items: ['跑步鞋', 'Air Max 270', '篮球鞋', 'Ultraboost 跑鞋', '板鞋', '990v6 复古跑鞋'],
        variants: ['黑白', '40 码', '42 码', '44 码', '限定配色'],
        subtitles: ['轻量缓震 透气', '专业竞速 回弹', '防滑耐磨 日常百搭', '经典复刻'],
        priceYuan: [199, 1899],
      },
      {
        name: '户外装备',
        brands: ['The North Face 北面', '骆驼 Camel', '探路者 Toread', 'Columbia 哥伦比亚', '迪卡侬 Decathlon'],
        items: ['冲锋衣', '登山包 40L', '帐篷', '羽绒服', '登山鞋', '睡袋'],
        variants: ['男款', '女款', 'M', 'L', 'XL'],
        subtitles: ['防水透气 GORE-TEX', '轻量 可收纳', '防风保暖 -20℃', '双人 速开'],
        priceYuan: [129, 3999],
      },
    ],
  },
];

export const DEMO_BANNERS: readonly { title: string; link: string }[] = [
  { title: '新品手机 首发直降', link: '/mall/search?q=手机' },
  { title: 'Apple 专区 iPhone 15', link: '/mall/search?q=iphone' },
  { title: '机械键盘 电竞狂欢', link: '/mall/search?q=机械键盘' },
  { title: '户外季 冲锋衣 5 折起', link: '/mall/search?q=冲锋衣' },
];

/** Demo images are /api/v1/mall/demo-images/<n>.svg for n in 1..DEMO_IMAGE_COUNT (the gateway draws them): 5 per leaf category, then the banners. */
export const IMAGES_PER_LEAF = 5;
export const DEMO_IMAGE_COUNT = DEMO_CATEGORIES.reduce((n, p) => n + p.children.length, 0) * IMAGES_PER_LEAF + DEMO_BANNERS.length;
export const demoImageUrl = (n: number) => `/api/v1/mall/demo-images/${n}.svg`;
