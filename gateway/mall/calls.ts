// The services the mall face calls, by their generated contracts (never their code).
import { CartServiceDefinition } from '#gen/surge/cart/v1/cart';
import { OrderServiceDefinition } from '#gen/surge/order/v1/order';
import { PayServiceDefinition } from '#gen/surge/pay/v1/pay';
import { ProductServiceDefinition } from '#gen/surge/product/v1/product';
import { ReplyServiceDefinition } from '#gen/surge/reply/v1/reply';
import { SeckillServiceDefinition } from '#gen/surge/seckill/v1/seckill';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';

export const mallCalls = { products: ProductServiceDefinition, carts: CartServiceDefinition, orders: OrderServiceDefinition, pay: PayServiceDefinition, reviews: ReplyServiceDefinition, users: UserServiceDefinition, seckill: SeckillServiceDefinition } as const;
